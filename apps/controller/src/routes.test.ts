import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { createRegistry } from '@faultline/core';
import { openStore, type Store } from '@faultline/store';
import { FakeBackend, fakePlugin, scriptedProbe } from '@faultline/testing';
import { buildApp } from './app.js';
import { ControllerMetrics } from './metrics.js';
import { RunHost } from './run-host.js';
import { controllerBodyFuzzProperty, startFuzzApp } from './test-support/fuzz-bodies.js';

let app: FastifyInstance;
let store: Store;
let runHost: RunHost;
let backend: FakeBackend;
let admin: string;
let runner: string;
let reader: string;

const definition = (name = 'fake-exp', duration = '50ms') => `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: ${name} }
spec:
  duration: ${duration}
  targets:
    things: { fake: {} }
  faults:
    - { name: break, type: fake.break, target: things }
`;

beforeEach(async () => {
  store = await openStore(':memory:');
  backend = new FakeBackend();
  backend.addTargets(2);
  const registry = createRegistry([fakePlugin(backend, { probes: [scriptedProbe('ok', () => ({ value: 'ok' }))] })]);
  const metrics = new ControllerMetrics();
  runHost = new RunHost({ store, registry, metrics });
  app = await buildApp({ store, registry, runHost, metrics, rateLimitPerMinute: false });
  admin = (await store.createToken({ name: 'admin', scopes: ['admin'] })).secret;
  runner = (await store.createToken({ name: 'ci', scopes: ['run'] })).secret;
  reader = (await store.createToken({ name: 'viewer', scopes: ['read'] })).secret;
});
afterEach(async () => {
  await runHost.close();
  await app.close();
  await store.close();
});

const auth = (t: string) => ({ authorization: `Bearer ${t}` });
async function waitFinished(runId: string) {
  for (;;) {
    const r = await app.inject({ method: 'GET', url: `/v1/runs/${runId}`, headers: auth(reader) });
    if (r.json().phase === 'finished') return r.json();
    await new Promise((res) => setTimeout(res, 10));
  }
}

describe('auth and errors', () => {
  it('401 without a token, 403 with too small a scope, with bodies that say what to do', async () => {
    const none = await app.inject({ method: 'GET', url: '/v1/runs' });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ code: 'FL_UNAUTHORIZED', hint: expect.stringMatching(/faultline tokens create/) });
    const weak = await app.inject({ method: 'POST', url: '/v1/halt', headers: auth(runner), payload: {} });
    expect(weak.statusCode).toBe(403);
    expect(weak.json().message).toMatch(/lacks the "admin" scope/);
    expect((await app.inject({ method: 'GET', url: '/v1/runs', headers: { authorization: 'Bearer nope' } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('an invalid experiment is a 400 with located issues', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/experiments', headers: auth(runner), payload: { definition: definition().replace('fake.break', 'fake.brake') } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'FL_SPEC_INVALID' });
    expect(JSON.stringify(res.json().issues)).toMatch(/fake\.brake/);
  });

  it('fuzzed bodies (with __proto__/constructor keys, definition objects) never produce a 5xx or pollute', async () => {
    // Its own app: the property lifts halts and creates runs, tokens and experiments as it goes.
    const f = await startFuzzApp();
    try {
      await fc.assert(controllerBodyFuzzProperty(f), { numRuns: 200 });
    } finally {
      await f.close();
    }
  });
});

describe('runs', () => {
  it('stored experiment -> 202 accepted/running -> finished completed, with a JUnit and HTML report', async () => {
    expect((await app.inject({ method: 'POST', url: '/v1/experiments', headers: auth(runner), payload: { definition: definition() } })).statusCode).toBe(201);
    const res = await app.inject({ method: 'POST', url: '/v1/runs', headers: auth(runner), payload: { experiment: 'fake-exp', labels: { commit: 'abc123' } } });
    expect(res.statusCode).toBe(202);
    const { run } = res.json();
    expect(['accepted', 'running']).toContain(run.phase);
    expect(run.links.events).toBe(`/v1/runs/${run.runId}/events`);
    const done = await waitFinished(run.runId);
    expect(done).toMatchObject({ state: 'completed', outcome: 'completed', labels: { commit: 'abc123' } });
    const junit = await app.inject({ method: 'GET', url: `/v1/runs/${run.runId}/report?format=junit`, headers: auth(reader) });
    expect(junit.headers['content-type']).toMatch(/xml/);
    expect(junit.body).toMatch(/<testsuite/);
    const html = await app.inject({ method: 'GET', url: `/v1/runs/${run.runId}/report?format=html`, headers: auth(reader) });
    expect(html.body).toMatch(/<html/i);
    const list = await app.inject({ method: 'GET', url: '/v1/runs?state=completed&label=commit=abc123', headers: auth(reader) });
    expect(list.json().runs.map((r: { runId: string }) => r.runId)).toEqual([run.runId]);
    expect(backend.active.size).toBe(0);
  });

  it('20 concurrent submissions with one Idempotency-Key give one run; another body with that key is 422', async () => {
    const payload = { definition: definition('idem', '20ms') };
    const results = await Promise.all(Array.from({ length: 20 }, () =>
      app.inject({ method: 'POST', url: '/v1/runs', headers: { ...auth(runner), 'idempotency-key': 'ci-job-42' }, payload })));
    expect(results.every((r) => r.statusCode === 202)).toBe(true);
    expect(new Set(results.map((r) => r.json().run.runId)).size).toBe(1);
    expect(results.filter((r) => r.json().created)).toHaveLength(1);
    const other = await app.inject({ method: 'POST', url: '/v1/runs', headers: { ...auth(runner), 'idempotency-key': 'ci-job-42' }, payload: { definition: definition('other', '20ms') } });
    expect(other.statusCode).toBe(422);
    expect(other.json().runId).toBe(results[0]!.json().run.runId);
    await waitFinished(results[0]!.json().run.runId);
  });

  it('halt aborts active runs (they revert) and refuses new ones with 409 until lifted; all audited', async () => {
    const { run } = (await app.inject({ method: 'POST', url: '/v1/runs', headers: auth(runner), payload: { definition: definition('long', '10m') } })).json();
    while (backend.active.size < 2) await new Promise((r) => setTimeout(r, 5));
    const halt = await app.inject({ method: 'POST', url: '/v1/halt', headers: auth(admin), payload: { reason: 'incident 123' } });
    expect(halt.json()).toMatchObject({ halted: true, reason: 'incident 123', abortedRuns: [run.runId] });
    const done = await waitFinished(run.runId);
    expect(done).toMatchObject({ outcome: 'aborted', reason: expect.stringMatching(/global halt: incident 123/) });
    expect(backend.active.size).toBe(0);
    const refused = await app.inject({ method: 'POST', url: '/v1/runs', headers: auth(runner), payload: { definition: definition() } });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toMatch(/global halt is active \(incident 123, by admin\)/);
    await app.inject({ method: 'DELETE', url: '/v1/halt', headers: auth(admin) });
    expect((await app.inject({ method: 'POST', url: '/v1/runs', headers: auth(runner), payload: { definition: definition() } })).statusCode).toBe(202);
    const audit = (await app.inject({ method: 'GET', url: '/v1/audit', headers: auth(admin) })).json().entries;
    expect(audit.map((a: { action: string }) => a.action)).toEqual(expect.arrayContaining(['halt.set', 'halt.clear', 'runs.create']));
    expect(audit.find((a: { action: string }) => a.action === 'halt.set')).toMatchObject({ actorName: 'admin' });
  });

  it('abort via API reverts and ends aborted; aborting a finished run is 409', async () => {
    const { run } = (await app.inject({ method: 'POST', url: '/v1/runs', headers: auth(runner), payload: { definition: definition('long', '10m') } })).json();
    while (backend.active.size < 2) await new Promise((r) => setTimeout(r, 5));
    expect((await app.inject({ method: 'POST', url: `/v1/runs/${run.runId}/abort`, headers: auth(runner), payload: { reason: 'enough' } })).statusCode).toBe(202);
    expect(await waitFinished(run.runId)).toMatchObject({ outcome: 'aborted', reason: expect.stringMatching(/by ci: enough/) });
    expect((await app.inject({ method: 'POST', url: `/v1/runs/${run.runId}/abort`, headers: auth(runner), payload: {} })).statusCode).toBe(409);
  });

  it('metrics count runs and reverts', async () => {
    const { run } = (await app.inject({ method: 'POST', url: '/v1/runs', headers: auth(runner), payload: { definition: definition() } })).json();
    await waitFinished(run.runId);
    const m = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(m).toMatch(/faultline_runs_total\{outcome="completed"\} 1/);
    expect(m).toMatch(/faultline_time_to_revert_seconds_count 1/);
  });
});

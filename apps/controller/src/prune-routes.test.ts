import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { createManualClock, createRegistry, type ManualClock, type RunState } from '@faultline/core';
import { openStore, type Store } from '@faultline/store';
import { FakeBackend, fakePlugin, scriptedProbe } from '@faultline/testing';
import { buildApp } from './app.js';
import { ControllerMetrics } from './metrics.js';
import { RunHost } from './run-host.js';
import { RetentionService } from './retention.js';

// History retention: DELETE /v1/runs/:id, POST /v1/runs:prune and `--retention` (RetentionService).
let app: FastifyInstance;
let store: Store;
let runHost: RunHost;
let clock: ManualClock;
let admin: string;
let runner: string;
let reader: string;

const definition = (name: string, duration: string) => `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: ${name} }
spec:
  duration: ${duration}
  targets:
    things: { fake: {} }
  faults:
    - { name: break, type: fake.break, target: things }
`;

const finished: RunState[] = ['pending', 'planning', 'checking-before', 'injecting', 'holding', 'reverting', 'checking-after', 'completed'];
const revertPending: RunState[] = ['pending', 'planning', 'checking-before', 'injecting', 'holding', 'reverting', 'revert-pending'];

/** A run written straight into the store (as the CLI or a dead replica would leave it), one second per step. */
async function storedRun(runId: string, path: RunState[]): Promise<void> {
  await store.createRun({ runId, experiment: 'seeded', source: 'cli' });
  for (let i = 1; i < path.length; i++) {
    clock.advance(1000);
    await store.append(runId, { type: 'transition', from: path[i - 1]!, to: path[i]! });
  }
}

beforeEach(async () => {
  clock = createManualClock('2030-03-01T00:00:00.000Z');
  store = await openStore(':memory:', { clock });
  const backend = new FakeBackend();
  backend.addTargets(1);
  const registry = createRegistry([fakePlugin(backend, { probes: [scriptedProbe('ok', () => ({ value: 'ok' }))] })]);
  const metrics = new ControllerMetrics();
  runHost = new RunHost({ store, registry, metrics });
  app = await buildApp({ store, registry, runHost, metrics, clock, rateLimitPerMinute: false });
  admin = (await store.createToken({ name: 'alice', scopes: ['admin'] })).secret;
  runner = (await store.createToken({ name: 'ci', scopes: ['run'] })).secret;
  reader = (await store.createToken({ name: 'viewer', scopes: ['read'] })).secret;
});
afterEach(async () => {
  await runHost.close();
  await app.close();
  await store.close();
});

const auth = (t: string) => ({ authorization: `Bearer ${t}` });

describe('DELETE /v1/runs/:id', () => {
  it('needs the admin scope, deletes a finished run and its journal, and audits it', async () => {
    await storedRun('r0000000000f1', finished);
    for (const token of [reader, runner]) {
      const res = await app.inject({ method: 'DELETE', url: '/v1/runs/r0000000000f1', headers: auth(token) });
      expect(res.statusCode).toBe(403);
    }
    expect(await store.getRun('r0000000000f1')).toBeDefined();
    const res = await app.inject({ method: 'DELETE', url: '/v1/runs/r0000000000f1', headers: auth(admin) });
    expect(res.statusCode).toBe(204);
    expect(await store.getRun('r0000000000f1')).toBeUndefined();
    expect(await store.read('r0000000000f1')).toEqual([]);
    expect((await app.inject({ method: 'GET', url: '/v1/runs/r0000000000f1', headers: auth(reader) })).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: '/v1/runs/r0000000000f1', headers: auth(admin) })).statusCode).toBe(404);
    const audit = await store.listAudit({ limit: 5 });
    expect(audit.find((e) => e.action === 'runs.delete' && e.details['status'] === 204)).toMatchObject({ actorName: 'alice', target: 'r0000000000f1' });
  });

  it('refuses an active run and a revert-pending one with 409 and says why', async () => {
    await app.inject({ method: 'POST', url: '/v1/experiments', headers: auth(admin), payload: { definition: definition('long-hold', '10m') } });
    const started = await app.inject({ method: 'POST', url: '/v1/runs', headers: auth(admin), payload: { experiment: 'long-hold' } });
    expect(started.statusCode).toBe(202);
    const runId = started.json().run.runId as string;
    const active = await app.inject({ method: 'DELETE', url: `/v1/runs/${runId}`, headers: auth(admin) });
    expect(active.statusCode).toBe(409);
    expect(active.json().message).toContain('only finished runs');
    await storedRun('r0000000000rp', revertPending);
    const pending = await app.inject({ method: 'DELETE', url: '/v1/runs/r0000000000rp', headers: auth(admin) });
    expect(pending.statusCode).toBe(409);
    expect(pending.json().hint).toContain('faults may still be in');
    expect((await store.getRun('r0000000000rp'))?.state).toBe('revert-pending');
    await runHost.abort(runId, 'test over', 'api');
  });
});

describe('POST /v1/runs:prune', () => {
  it('counts on a dry run, deletes by age and count on a real one, audits it, and needs admin', async () => {
    // Four finished runs a day apart, then a revert-pending one; the clock ends 10 days after the first.
    for (const id of ['r0000000000o1', 'r0000000000o2', 'r0000000000o3', 'r0000000000o4']) {
      await storedRun(id, finished);
      clock.advance(86_400_000);
    }
    await storedRun('r0000000000o5', revertPending);
    clock.advance(6 * 86_400_000);
    const prune = (token: string, payload: object) => app.inject({ method: 'POST', url: '/v1/runs:prune', headers: auth(token), payload });
    expect((await prune(runner, { olderThan: '1d', dryRun: true })).statusCode).toBe(403);
    const dry = await prune(admin, { olderThan: '9d', dryRun: true });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toEqual({ count: 2, runIds: ['r0000000000o2', 'r0000000000o1'], dryRun: true, endedBefore: '2030-03-02T00:00:34.000Z' });
    expect((await store.listAudit({ limit: 10 })).filter((e) => e.action === 'runs.prune')).toEqual([]);
    const real = await prune(admin, { olderThan: '1d', keep: 1 });
    expect(real.json()).toMatchObject({ count: 3, runIds: ['r0000000000o3', 'r0000000000o2', 'r0000000000o1'], dryRun: false });
    expect((await store.listRuns()).runs.map((r) => r.runId).sort()).toEqual(['r0000000000o4', 'r0000000000o5']);
    const audit = (await store.listAudit({ limit: 10 })).filter((e) => e.action === 'runs.prune');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorName: 'alice', details: { count: 3, olderThan: '1d', keep: 1 } });
    // keep: 0 with no age: every finished run, never the revert-pending one.
    expect((await prune(admin, { keep: 0 })).json()).toMatchObject({ count: 1, runIds: ['r0000000000o4'] });
    expect((await store.getRun('r0000000000o5'))?.state).toBe('revert-pending');
  });

  it('refuses a prune without criteria, with a bad duration or unknown fields', async () => {
    const prune = (payload: object) => app.inject({ method: 'POST', url: '/v1/runs:prune', headers: auth(admin), payload });
    expect((await prune({})).statusCode).toBe(400);
    const bad = await prune({ olderThan: 'ninety days' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('not a duration');
    expect((await prune({ keep: -1 })).statusCode).toBe(400);
    expect((await prune({ keep: 1, everything: true })).statusCode).toBe(400);
    expect((await prune({ olderThan: '99999999999h' })).json().message).toContain('longer than 100 years');
  });
});

describe('prune bodies (fuzz, fixed seed)', () => {
  it('never answers 5xx, and never deletes an unfinished run, whatever the body', async () => {
    await storedRun('r0000000000z1', finished);
    await storedRun('r0000000000z2', revertPending);
    const duration = fc.oneof(fc.string(), fc.tuple(fc.nat({ max: 10 ** 12 }), fc.constantFrom('d', 'w', 'h', 'm', 's', 'ms', 'us', 'y', '')).map(([n, u]) => `${n}${u}`));
    const body = fc.oneof(
      fc.record({ olderThan: fc.oneof(duration, fc.jsonValue()), keep: fc.oneof(fc.integer(), fc.double(), fc.jsonValue()), dryRun: fc.oneof(fc.boolean(), fc.jsonValue()) }, { requiredKeys: [] }),
      fc.jsonValue(),
    );
    await fc.assert(fc.asyncProperty(body, async (payload) => {
      const res = await app.inject({ method: 'POST', url: '/v1/runs:prune', headers: { ...auth(admin), 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
      expect(res.statusCode, res.body).toBeLessThan(500);
      if (res.statusCode === 200) expect(typeof res.json().count).toBe('number');
      else expect(res.json().code).toEqual(expect.any(String));
      expect((await store.getRun('r0000000000z2'))?.state).toBe('revert-pending');
    }), { seed: 19, numRuns: 150 });
  });
});

describe('retention (--retention)', () => {
  it('prunes finished runs older than the setting on the leader only, reading time from the injected clock, and audits', async () => {
    await storedRun('r0000000000t1', finished);
    clock.advance(40 * 86_400_000);
    await storedRun('r0000000000t2', finished);
    await storedRun('r0000000000t3', revertPending);
    let leader = false;
    const retention = new RetentionService({ store, clock, maxAgeMs: 30 * 86_400_000, isLeader: () => leader });
    expect(await retention.sweep()).toBeUndefined();
    expect(await store.getRun('r0000000000t1')).toBeDefined();
    leader = true;
    expect(await retention.sweep()).toMatchObject({ count: 1, runIds: ['r0000000000t1'] });
    expect((await store.listRuns()).runs.map((r) => r.runId).sort()).toEqual(['r0000000000t2', 'r0000000000t3']);
    expect((await store.listAudit({ limit: 5 })).find((e) => e.action === 'runs.prune')).toMatchObject({ actorName: 'retention', details: { count: 1 } });
    // Nothing old enough: no deletion and no audit entry.
    expect(await retention.sweep()).toMatchObject({ count: 0 });
    expect((await store.listAudit({ limit: 5 })).filter((e) => e.action === 'runs.prune')).toHaveLength(1);
    clock.advance(31 * 86_400_000);
    expect(await retention.sweep()).toMatchObject({ count: 1, runIds: ['r0000000000t2'] });
    expect((await store.getRun('r0000000000t3'))?.state).toBe('revert-pending');
    await retention.stop();
  });
});

import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createRegistry } from '@faultline/core';
import { openStore, type Store } from '@faultline/store';
import { FakeBackend, fakePlugin } from '@faultline/testing';
import { buildApp } from './app.js';
import { ControllerMetrics } from './metrics.js';
import { RunHost } from './run-host.js';

// Real HTTP on 127.0.0.1 (not app.inject): what curl and CI scripts send is what these tests send.
let app: FastifyInstance;
let store: Store;
let runHost: RunHost;
let base: string;
let admin: string;

beforeEach(async () => {
  store = await openStore(':memory:');
  const backend = new FakeBackend();
  backend.addTargets(2);
  const registry = createRegistry([fakePlugin(backend)]);
  const metrics = new ControllerMetrics();
  runHost = new RunHost({ store, registry, metrics });
  app = await buildApp({ store, registry, runHost, metrics, rateLimitPerMinute: false });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  admin = (await store.createToken({ name: 'admin', scopes: ['admin'] })).secret;
});
afterEach(async () => {
  await runHost.close();
  await app.close();
  await store.close();
});

/** One raw request with exactly these headers and body (none when `body` is undefined). */
function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method, headers: { authorization: `Bearer ${admin}`, ...headers }, timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 10 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

const definitionObject = (name: string, duration = '10m') => ({
  apiVersion: 'faultline.dev/v1',
  kind: 'Experiment',
  metadata: { name },
  spec: { duration, targets: { things: { fake: {} } }, faults: [{ name: 'break', type: 'fake.break', target: 'things' }] },
});

describe('POSTs whose fields are all optional accept no body, an empty body and {}', () => {
  const bodies: Array<[string, Record<string, string>, string | undefined]> = [
    ['no body, no content-type (curl -X POST)', {}, undefined],
    ['an empty body with content-type application/json', { 'content-type': 'application/json' }, ''],
    ['{}', { 'content-type': 'application/json' }, '{}'],
    ['{"reason": ...}', { 'content-type': 'application/json' }, '{"reason":"maintenance"}'],
  ];
  for (const [what, headers, body] of bodies) {
    it(`POST /v1/halt with ${what}`, async () => {
      const res = await raw('POST', '/v1/halt', headers, body);
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      expect(res.json).toMatchObject({ halted: true, reason: body?.includes('maintenance') ? 'maintenance' : 'halted by an operator' });
      expect((await raw('DELETE', '/v1/halt', {})).json).toMatchObject({ halted: false });
    });

    it(`POST /v1/runs/:id/abort with ${what}`, async () => {
      const started = await raw('POST', '/v1/runs', { 'content-type': 'application/json' }, JSON.stringify({ definition: definitionObject('abort-me') }));
      expect(started.status, JSON.stringify(started.json)).toBe(202);
      const res = await raw('POST', `/v1/runs/${started.json.run.runId}/abort`, headers, body);
      expect(res.status, JSON.stringify(res.json)).toBe(202);
      expect(res.json.runId).toBe(started.json.run.runId);
    });
  }

  it('a body that is not an object is still a 400 that says so', async () => {
    const res = await raw('POST', '/v1/halt', { 'content-type': 'application/json' }, '[1]');
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 'FL_USAGE', message: expect.stringMatching(/body must be object/) });
    expect((await raw('GET', '/v1/halt', {})).json).toMatchObject({ halted: false });
  });
});

describe('POST /v1/runs takes definition as text or as a JSON object', () => {
  it('YAML text, JSON text and a JSON object all start a run', async () => {
    const asObject = definitionObject('as-object');
    for (const definition of [JSON.stringify(definitionObject('as-json-text')), 'apiVersion: faultline.dev/v1\nkind: Experiment\nmetadata: { name: as-yaml }\nspec:\n  duration: 10m\n  targets: { things: { fake: {} } }\n  faults: [{ name: break, type: fake.break, target: things }]\n', asObject]) {
      const res = await fetch(`${base}/v1/runs`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ definition }), signal: AbortSignal.timeout(10_000) });
      const json = (await res.json()) as { run: { runId: string; experiment: string } };
      expect(res.status, JSON.stringify(json)).toBe(202);
      expect(json.run.experiment).toMatch(/^as-/);
      await raw('POST', `/v1/runs/${json.run.runId}/abort`, {});
    }
  });

  it('a bad object is a 400 with located issues (paths into the object)', async () => {
    const bad = definitionObject('bad-object');
    (bad.spec.faults[0] as Record<string, unknown>)['type'] = 'fake.brake';
    (bad.spec as Record<string, unknown>)['duraton'] = '1m';
    const res = await raw('POST', '/v1/runs', { 'content-type': 'application/json' }, JSON.stringify({ definition: bad }));
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('FL_SPEC_INVALID');
    const paths = (res.json.issues as Array<{ path: string; message: string }>).map((i) => `${i.path}: ${i.message}`);
    expect(paths.join('\n')).toMatch(/spec\.faults\[0\]\.type: .*fake\.brake.*did you mean 'fake\.break'/);
    expect(paths.join('\n')).toMatch(/spec\.duraton: unknown key 'duraton'; did you mean 'duration'\?/);
  });

  it('neither text nor object (a number, an array) is refused by the request schema', async () => {
    for (const definition of [42, ['a'], null]) {
      const res = await raw('POST', '/v1/runs', { 'content-type': 'application/json' }, JSON.stringify({ definition }));
      expect(res.status, JSON.stringify(definition)).toBe(400);
      expect(res.json.code).toMatch(/FL_USAGE|FL_SPEC_INVALID/);
    }
  });

  it('the OpenAPI document says definition is oneOf text or object', async () => {
    const doc = (await (await fetch(`${base}/docs/json`, { signal: AbortSignal.timeout(10_000) })).json()) as any;
    const schema = doc.paths['/v1/runs'].post.requestBody.content['application/json'].schema;
    const types = (schema.properties.definition.oneOf as Array<{ type: string }>).map((s) => s.type);
    expect(types).toEqual(['string', 'object']);
  });
});

describe('JSON bodies and Object.prototype keys', () => {
  it('{"__proto__": {"polluted": 1}} to every POST is a 400 naming the key, and pollutes nothing', async () => {
    for (const path of ['/v1/halt', '/v1/runs', '/v1/experiments', '/v1/tokens', '/v1/runs/r-1/abort']) {
      for (const body of ['{"__proto__": {"polluted": 1}}', '{"reason": "x", "constructor": {"prototype": {"polluted": 1}}}']) {
        const res = await raw('POST', path, { 'content-type': 'application/json' }, body);
        expect(res.status, `${path} ${JSON.stringify(res.json)}`).toBe(400);
        expect(res.json).toMatchObject({ code: 'FL_USAGE', message: expect.stringMatching(/(__proto__|constructor).*rename or remove it/) });
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      }
    }
    expect((await raw('GET', '/v1/halt', {})).json).toMatchObject({ halted: false });
  });

  it('labels named like Object.prototype members are stored and filterable like any label', async () => {
    const labels = { toString: 'a', constructor: 'b', hasOwnProperty: 'c' };
    const started = await raw('POST', '/v1/runs', { 'content-type': 'application/json' }, JSON.stringify({ definition: definitionObject('odd-labels'), labels }));
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    expect(started.json.run.labels).toMatchObject(labels);
    const listed = await raw('GET', '/v1/runs?label=toString=a,constructor=b', {});
    expect(listed.json.runs.map((r: { runId: string }) => r.runId)).toEqual([started.json.run.runId]);
    expect((await raw('GET', '/v1/runs?label=toString=zzz', {})).json.runs).toEqual([]);
    await raw('POST', `/v1/runs/${started.json.run.runId}/abort`, {});
  });

  it('a key such as "toString" in a body is an unknown property, with the allowed ones', async () => {
    const res = await raw('POST', '/v1/halt', { 'content-type': 'application/json' }, '{"toString": "x"}');
    expect(res.status).toBe(400);
    expect(res.json.message).toMatch(/must NOT have additional properties/);
    expect(JSON.stringify(res.json.issues)).toMatch(/toString/);
  });
});

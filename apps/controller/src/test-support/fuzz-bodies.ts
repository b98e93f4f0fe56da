import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { createRegistry } from '@faultline/core';
import { openStore, type Store } from '@faultline/store';
import { FakeBackend, fakePlugin } from '@faultline/testing';
import { buildApp } from '../app.js';
import { ControllerMetrics } from '../metrics.js';
import { RunHost } from '../run-host.js';

// The controller's JSON-body fuzz property, shared by the fixed-seed test (routes.test.ts) and
// `bench/fuzz`. Plain node:assert, so it runs outside Vitest too.

/** Keys named like Object.prototype members (kept in sync with @faultline/testing's PROTOTYPE_KEYS). */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'];

export interface FuzzApp {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly admin: string;
  close(): Promise<void>;
}

/** A controller app on an in-memory store with fake faults, and an admin token. */
export async function startFuzzApp(): Promise<FuzzApp> {
  const store = await openStore(':memory:');
  const backend = new FakeBackend();
  backend.addTargets(2);
  const registry = createRegistry([fakePlugin(backend)]);
  const metrics = new ControllerMetrics();
  const runHost = new RunHost({ store, registry, metrics });
  const app = await buildApp({ store, registry, runHost, metrics, rateLimitPerMinute: false });
  const admin = (await store.createToken({ name: 'fuzz', scopes: ['admin'] })).secret;
  return {
    app, store, admin,
    close: async () => {
      await runHost.close();
      await app.close();
      await store.close();
    },
  };
}

const protoKey = fc.constantFrom(...PROTOTYPE_KEYS);
/** JSON text of an object with prototype-named keys, written as JSON.parse would read them (own keys). */
const protoKeyedText = fc.tuple(fc.dictionary(fc.oneof(protoKey, fc.constantFrom('reason', 'definition', 'experiment', 'labels', 'name', 'scopes')), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }), fc.array(protoKey, { minLength: 1, maxLength: 2 }))
  .map(([obj, keys]) => {
    const fields = [...Object.entries(obj).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`), ...keys.map((k) => `${JSON.stringify(k)}: {"polluted": 1}`)];
    return `{${fields.join(', ')}}`;
  });
const experimentLike = fc.record({
  apiVersion: fc.oneof(fc.constant('faultline.dev/v1'), fc.jsonValue()),
  kind: fc.oneof(fc.constant('Experiment'), fc.jsonValue()),
  metadata: fc.oneof(fc.record({ name: fc.oneof(fc.constant('fuzz'), fc.string()) }), fc.jsonValue()),
  spec: fc.oneof(fc.dictionary(fc.oneof(fc.constantFrom('duration', 'targets', 'faults', 'steadyState'), protoKey), fc.jsonValue({ maxDepth: 2 })), fc.jsonValue()),
}, { requiredKeys: [] });
const body = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  protoKeyedText,
  fc.record({ definition: fc.oneof(experimentLike, fc.string(), fc.jsonValue()), labels: fc.oneof(fc.dictionary(fc.oneof(fc.string(), protoKey), fc.string()), fc.jsonValue()) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.constantFrom('', ' ', 'null', '{}', '[]', '{"reason":'),
);
const url = fc.constantFrom('/v1/runs', '/v1/experiments', '/v1/halt', '/v1/tokens', '/v1/runs/r-0/abort', '/v1/schedules');

/**
 * Property: no body on any POST gets a 5xx; answers are an error body with a code or the route's
 * normal shape; nothing reaches Object.prototype. Lifts a halt it caused so later cases still run.
 */
export function controllerBodyFuzzProperty(f: FuzzApp): fc.IAsyncPropertyWithHooks<[string, string]> {
  return fc.asyncProperty(body, url, async (payload, path) => {
    const res = await f.app.inject({ method: 'POST', url: path, headers: { authorization: `Bearer ${f.admin}`, 'content-type': 'application/json' }, payload });
    assert.ok(res.statusCode < 500, `POST ${path} ${payload.slice(0, 200)} -> ${res.statusCode} ${res.body.slice(0, 300)}`);
    const json = res.json() as Record<string, unknown>;
    if (res.statusCode >= 400) {
      assert.equal(typeof json['code'], 'string', `error without code: ${res.body}`);
      assert.equal(typeof json['message'], 'string');
      assert.doesNotMatch(String(json['message']), /\[native code\]/);
    } else assert.ok('halted' in json || 'run' in json || 'name' in json || 'secret' in json || 'runId' in json, `unexpected ${res.statusCode} body: ${res.body}`);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined, 'Object.prototype was polluted');
    if (path === '/v1/halt' && res.statusCode < 300) await f.store.setHalt({ halted: false });
  });
}

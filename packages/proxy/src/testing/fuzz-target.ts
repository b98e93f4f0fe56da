import assert from 'node:assert/strict';
import fc from 'fast-check';
import { api } from './api-helpers.js';

// The proxy API's fuzz property, shared by the fixed-seed test (http/fuzz.test.ts) and `bench/fuzz`.
// Listen addresses come from a fixed set so no case makes the proxy resolve or bind outside 127.0.0.1.

/** Keys named like Object.prototype members (kept in sync with @faultline/testing's PROTOTYPE_KEYS). */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'];

const listen = fc.constantFrom('127.0.0.1:0', '127.0.0.1:99999', ':0', 'nohost', '', 1, null, [], {});
const anyValue = fc.oneof(fc.anything(), fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const protoKeyed = fc.dictionary(fc.constantFrom(...PROTOTYPE_KEYS), fc.oneof(anyValue, fc.constant({ polluted: 1, listen: '0.0.0.0:1', latency: 5000 })), { maxKeys: 2 });
const name = fc.oneof(fc.string(), fc.constantFrom(...PROTOTYPE_KEYS), anyValue);
const toxicType = fc.oneof(fc.constantFrom('latency', 'bandwidth', 'slow_close', 'timeout', 'reset_peer', 'slicer', 'limit_data', 'packet_loss', 'cert_expiry', ...PROTOTYPE_KEYS), fc.string());
const attributes = fc.oneof(
  fc.dictionary(
    fc.constantFrom('latency', 'jitter', 'rate', 'delay', 'timeout', 'average_size', 'size_variation', 'bytes', 'probability', 'rto', 'variant', 'hostname', ...PROTOTYPE_KEYS),
    fc.oneof(fc.integer({ min: -10, max: 10_000 }), fc.double(), fc.string(), fc.constantFrom('expired', 'wrong-host'), fc.constant(null), fc.constant({ latency: 1 })),
  ),
  anyValue,
);
/** A record plus maybe some prototype-named keys, each an own property as JSON.parse would make it. */
const withProtoKeys = <T extends object>(record: fc.Arbitrary<T>) =>
  fc.tuple(record, protoKeyed).map(([r, extra]) => {
    const out: Record<string, unknown> = { ...(r as Record<string, unknown>) };
    for (const [k, v] of Object.entries(extra)) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    return out;
  });
const proxyBody = withProtoKeys(fc.record({ name, upstream: fc.oneof(fc.constant('127.0.0.1:9'), anyValue), listen, enabled: anyValue, upstream_tls: anyValue }, { requiredKeys: [] }));
const toxicBody = withProtoKeys(fc.record(
  { name, type: toxicType, stream: fc.oneof(fc.constantFrom('upstream', 'downstream', 'UPSTREAM'), anyValue), toxicity: anyValue, attributes, ttl: anyValue },
  { requiredKeys: [] },
));
const body = fc.oneof(
  { weight: 1, arbitrary: fc.string().map((s) => ({ raw: s })) },
  { weight: 4, arbitrary: fc.oneof(proxyBody, toxicBody, fc.array(proxyBody, { maxLength: 3 }), anyValue).map((json) => ({ raw: JSON.stringify(json) ?? '' })) },
);
const routes = fc.constantFrom(
  ['POST', '/proxies'],
  ['POST', '/populate'],
  ['PATCH', '/proxies/fuzz'],
  ['POST', '/proxies/fuzz/toxics'],
  ['PATCH', '/proxies/fuzz/toxics/latency_downstream'],
);

/**
 * Needs a server with a proxy named "fuzz" (upstream 127.0.0.1:9) that has a latency toxic.
 * Property: no body on any mutating route gets a 5xx, every error is a Toxiproxy error body, and
 * nothing reaches Object.prototype.
 */
export function proxyApiFuzzProperty(baseUrl: string): fc.IAsyncPropertyWithHooks<[[string, string], { raw: string }]> {
  return fc.asyncProperty(routes as fc.Arbitrary<[string, string]>, body, async ([method, path], b) => {
    const res = await api(baseUrl, method, path, b.raw);
    assert.ok(res.status < 500, `${method} ${path} ${b.raw.slice(0, 200)} -> ${res.status} ${res.text}`);
    if (res.status >= 400) {
      assert.equal(typeof res.json?.error, 'string', `error body without "error": ${res.text}`);
      assert.equal(res.json?.status, res.status);
    }
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined, 'Object.prototype was polluted');
  });
}

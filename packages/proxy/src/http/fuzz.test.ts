import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyServer } from '../index.js';
import { api } from '../testing/api-helpers.js';

// Fuzzed bodies must never produce a 500 or take the server down. Listen addresses come from a
// fixed set so no fuzz case makes the proxy resolve or bind anything outside 127.0.0.1.
const listen = fc.constantFrom('127.0.0.1:0', '127.0.0.1:99999', ':0', 'nohost', '', 1, null, [], {});
const anyValue = fc.oneof(fc.anything(), fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const toxicType = fc.oneof(fc.constantFrom('latency', 'bandwidth', 'slow_close', 'timeout', 'reset_peer', 'slicer', 'limit_data', 'packet_loss', 'cert_expiry'), fc.string());
const attributes = fc.oneof(
  fc.dictionary(
    fc.constantFrom('latency', 'jitter', 'rate', 'delay', 'timeout', 'average_size', 'size_variation', 'bytes', 'probability', 'rto', 'variant', 'hostname'),
    fc.oneof(fc.integer({ min: -10, max: 10_000 }), fc.double(), fc.string(), fc.constantFrom('expired', 'wrong-host'), fc.constant(null)),
  ),
  anyValue,
);
const proxyBody = fc.record(
  { name: fc.oneof(fc.string(), anyValue), upstream: fc.oneof(fc.constant('127.0.0.1:9'), anyValue), listen, enabled: anyValue, upstream_tls: anyValue },
  { requiredKeys: [] },
);
const toxicBody = fc.record(
  { name: fc.oneof(fc.string(), anyValue), type: toxicType, stream: fc.oneof(fc.constantFrom('upstream', 'downstream', 'UPSTREAM'), anyValue), toxicity: anyValue, attributes, ttl: anyValue },
  { requiredKeys: [] },
);
const body = fc.oneof(
  { weight: 1, arbitrary: fc.string().map((s) => ({ raw: s })) },
  { weight: 4, arbitrary: fc.oneof(proxyBody, toxicBody, fc.array(proxyBody, { maxLength: 3 }), anyValue).map((json) => ({ json })) },
);

describe('API fuzzing', () => {
  let server: ProxyServer;
  beforeAll(async () => {
    server = await startProxyServer({ port: 0 });
    await server.proxies.create({ name: 'fuzz', upstream: '127.0.0.1:9' });
  });
  afterAll(() => server.close());

  it('never answers 5xx to any body on any mutating endpoint', async () => {
    const routes = fc.constantFrom(
      ['POST', '/proxies'],
      ['POST', '/populate'],
      ['PATCH', '/proxies/fuzz'],
      ['POST', '/proxies/fuzz/toxics'],
      ['PATCH', '/proxies/fuzz/toxics/latency_downstream'],
    );
    await server.proxies.addToxic('fuzz', { type: 'latency' });
    await fc.assert(
      fc.asyncProperty(routes, body, async ([method, path], b) => {
        const res = await api(server.url, method as string, path as string, 'raw' in b ? b.raw : JSON.stringify(b.json));
        expect(res.status, `${method} ${path} ${res.text}`).toBeLessThan(500);
        if (res.status >= 400) expect(res.json).toMatchObject({ error: expect.any(String), status: res.status });
      }),
      { numRuns: 300 },
    );
    expect((await api(server.url, 'GET', '/version')).status).toBe(200);
  });
});

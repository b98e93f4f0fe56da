import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyServer } from '../index.js';
import { api } from '../testing/api-helpers.js';
import { proxyApiFuzzProperty } from '../testing/fuzz-target.js';

// Fuzzed bodies (including keys such as __proto__ and constructor) never produce a 500, never take
// the server down and never pollute Object.prototype. Seeded by the repo's vitest setup; longer
// randomized runs: `npm run bench -- fuzz`.
describe('API fuzzing', () => {
  let server: ProxyServer;
  beforeAll(async () => {
    server = await startProxyServer({ port: 0 });
    await server.proxies.create({ name: 'fuzz', upstream: '127.0.0.1:9' });
    await server.proxies.addToxic('fuzz', { type: 'latency' });
  });
  afterAll(() => server.close());

  it('never answers 5xx to any body on any mutating endpoint', async () => {
    await fc.assert(proxyApiFuzzProperty(server.url), { numRuns: 300 });
    expect((await api(server.url, 'GET', '/version')).status).toBe(200);
  });
});

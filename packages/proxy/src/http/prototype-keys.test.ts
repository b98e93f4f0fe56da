import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyServer } from '../index.js';
import { api } from '../testing/api-helpers.js';

// User-supplied keys and names (JSON keys, proxy and toxic names, toxic types, HTTP methods) never
// reach Object.prototype: no pollution, and names such as "constructor" are ordinary names.
const PROTO_BODY = '{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}}';

describe('proxy API and Object.prototype keys', () => {
  let server: ProxyServer;
  beforeAll(async () => {
    server = await startProxyServer({ port: 0 });
  });
  afterAll(() => server.close());

  it('posting {"__proto__": {"polluted": 1}} anywhere pollutes nothing and never 5xx', async () => {
    await server.proxies.create({ name: 'p', upstream: '127.0.0.1:9' });
    const routes: Array<[string, string]> = [
      ['POST', '/proxies'], ['POST', '/populate'], ['POST', '/proxies/p'], ['PATCH', '/proxies/p'], ['POST', '/proxies/p/toxics'],
    ];
    const bodies = [PROTO_BODY, `[${PROTO_BODY}]`, '{"name": "q", "upstream": "127.0.0.1:9", "__proto__": {"listen": "0.0.0.0:1"}}', '{"type": "latency", "attributes": {"__proto__": {"latency": 5000}}}'];
    for (const [method, path] of routes) {
      for (const body of bodies) {
        const res = await api(server.url, method, path, body);
        expect(res.status, `${method} ${path} ${body}: ${res.text}`).toBeLessThan(500);
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
        expect(({} as Record<string, unknown>)['listen']).toBeUndefined();
      }
    }
    // An inherited attribute is not an attribute: the latency toxic got the default 0, not 5000.
    expect(server.proxies.getToxic('p', 'latency_downstream').attributes).toMatchObject({ latency: 0 });
    // A listen address hidden in __proto__ was not used: q listens on the loopback default.
    expect(server.proxies.get('q').listen).toMatch(/^127\.0\.0\.1:/);
  });

  it('proxies and toxics named like Object.prototype members are ordinary names', async () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const created = await api(server.url, 'POST', '/proxies', { name, upstream: '127.0.0.1:9' });
      expect(created.status, created.text).toBe(201);
      expect((await api(server.url, 'GET', `/proxies/${encodeURIComponent(name)}`)).json).toMatchObject({ name });
      const toxic = await api(server.url, 'POST', `/proxies/${encodeURIComponent(name)}/toxics`, { name: 'valueOf', type: 'latency' });
      expect(toxic.status, toxic.text).toBe(200);
      expect((await api(server.url, 'GET', `/proxies/${encodeURIComponent(name)}/toxics/valueOf`)).json).toMatchObject({ name: 'valueOf' });
    }
    const all = (await api(server.url, 'GET', '/proxies')).json as Record<string, unknown>;
    expect(Object.keys(all)).toEqual(expect.arrayContaining(['constructor', 'toString', '__proto__', 'hasOwnProperty']));
    expect((await api(server.url, 'GET', '/proxies/valueOf')).status).toBe(404);
  });

  it('a toxic type named like an Object.prototype member is an invalid toxic type with the known ones', async () => {
    for (const type of ['toString', 'constructor', '__proto__']) {
      const res = await api(server.url, 'POST', '/proxies/p/toxics', { type, name: `t-${type}` });
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ error: 'invalid toxic type', hint: expect.stringMatching(/known types: latency/) });
    }
  });
});

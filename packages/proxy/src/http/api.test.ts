import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyServer } from '../index.js';
import { api, portOf } from '../testing/api-helpers.js';
import { connectTo, startEchoServer, type TestServer } from '../testing/net-helpers.js';

describe('Toxiproxy HTTP API (raw HTTP)', () => {
  let server: ProxyServer;
  let echo: TestServer;
  let base: string;
  beforeEach(async () => {
    echo = await startEchoServer();
    server = await startProxyServer({ port: 0 });
    base = server.url;
  });
  afterEach(async () => {
    await server.close();
    await echo.close();
  });

  const createRedis = () => api(base, 'POST', '/proxies', { name: 'redis', upstream: echo.address, listen: '127.0.0.1:0' });

  it('GET /version answers like Toxiproxy', async () => {
    const res = await api(base, 'GET', '/version');
    expect(res.status).toBe(200);
    expect(res.json.version).toMatch(/^2\.\d+\.\d+/);
    expect(res.headers.get('content-type')).toContain('application/json');
  });

  it('creates, lists, shows, updates and deletes proxies', async () => {
    expect((await api(base, 'GET', '/proxies')).json).toEqual({});
    const created = await createRedis();
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'redis', upstream: echo.address, enabled: true, toxics: [] });
    expect(created.json.listen).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(portOf(created.json.listen)).toBeGreaterThan(0);
    expect(Object.keys(created.json)).toEqual(['name', 'listen', 'upstream', 'enabled', 'toxics']);

    const list = await api(base, 'GET', '/proxies');
    expect(Object.keys(list.json)).toEqual(['redis']);
    expect((await api(base, 'GET', '/proxies/redis')).json).toEqual(created.json);

    const disabled = await api(base, 'PATCH', '/proxies/redis', { enabled: false });
    expect(disabled.status).toBe(200);
    expect(disabled.json.enabled).toBe(false);
    await expect(connectTo(portOf(created.json.listen))).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    const enabled = await api(base, 'POST', '/proxies/redis', { enabled: true }); // deprecated POST still works
    expect(enabled.json.enabled).toBe(true);

    const moved = await api(base, 'PATCH', '/proxies/redis', { listen: '127.0.0.1:0' });
    expect(moved.json.listen).not.toBe(enabled.json.listen);
    (await connectTo(portOf(moved.json.listen))).destroy();

    expect((await api(base, 'DELETE', '/proxies/redis')).status).toBe(204);
    expect((await api(base, 'GET', '/proxies/redis')).status).toBe(404);
  });

  it('answers proxy errors with Toxiproxy bodies', async () => {
    await createRedis();
    expect(await createRedis()).toMatchObject({ status: 409, json: { error: 'proxy already exists', status: 409 } });
    expect(await api(base, 'GET', '/proxies/nope')).toMatchObject({ status: 404, json: { error: 'proxy not found', status: 404 } });
    expect(await api(base, 'DELETE', '/proxies/nope')).toMatchObject({ status: 404 });
    expect(await api(base, 'PATCH', '/proxies/nope', { enabled: false })).toMatchObject({ status: 404 });
    expect(await api(base, 'POST', '/proxies', { upstream: echo.address })).toMatchObject({
      status: 400,
      json: { error: 'missing required field: name', status: 400 },
    });
    expect(await api(base, 'POST', '/proxies', { name: 'x' })).toMatchObject({ status: 400, json: { error: 'missing required field: upstream' } });
    expect((await api(base, 'POST', '/proxies', '{not json')).json.error).toMatch(/^bad request body: /);
    expect((await api(base, 'POST', '/proxies', '')).json.error).toBe('bad request body: EOF');
    expect((await api(base, 'POST', '/proxies', { name: 1, upstream: echo.address })).status).toBe(400);
    expect((await api(base, 'POST', '/proxies', { name: 'x', upstream: 'nohostport' })).status).toBe(400);
    const taken = await api(base, 'GET', '/proxies/redis');
    const clash = await api(base, 'POST', '/proxies', { name: 'other', upstream: echo.address, listen: taken.json.listen });
    expect(clash).toMatchObject({ status: 409, json: { status: 409 } });
    expect(clash.json.error).toContain('address already in use');
    expect((await api(base, 'GET', '/proxies')).json.other).toBeUndefined();
  });

  it('manages toxics with defaults, updates and deletes', async () => {
    await createRedis();
    const added = await api(base, 'POST', '/proxies/redis/toxics', { type: 'latency', attributes: { latency: 100 } });
    expect(added.status).toBe(200);
    expect(added.json).toEqual({ attributes: { latency: 100, jitter: 0 }, name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 1 });
    const up = await api(base, 'POST', '/proxies/redis/toxics', { name: 'cut', type: 'limit_data', stream: 'upstream', toxicity: 0.5, attributes: { bytes: 10 } });
    expect(up.json).toMatchObject({ name: 'cut', stream: 'upstream', toxicity: 0.5, attributes: { bytes: 10 } });

    const list = await api(base, 'GET', '/proxies/redis/toxics');
    expect(list.json.map((t: { name: string }) => t.name)).toEqual(['cut', 'latency_downstream']); // upstream first
    expect((await api(base, 'GET', '/proxies/redis')).json.toxics).toHaveLength(2);
    expect((await api(base, 'GET', '/proxies/redis/toxics/cut')).json.attributes).toEqual({ bytes: 10 });

    const patched = await api(base, 'PATCH', '/proxies/redis/toxics/latency_downstream', { attributes: { jitter: 5 } });
    expect(patched.json.attributes).toEqual({ latency: 100, jitter: 5 });
    // The node client POSTs the whole toxic back; name/type/stream in the body are ignored.
    const posted = await api(base, 'POST', '/proxies/redis/toxics/cut', { ...up.json, toxicity: 1, attributes: { bytes: 20 } });
    expect(posted.json).toMatchObject({ toxicity: 1, attributes: { bytes: 20 }, stream: 'upstream' });

    expect((await api(base, 'DELETE', '/proxies/redis/toxics/cut')).status).toBe(204);
    expect((await api(base, 'GET', '/proxies/redis/toxics')).json).toHaveLength(1);
  });

  it('answers toxic errors with Toxiproxy bodies', async () => {
    await createRedis();
    await api(base, 'POST', '/proxies/redis/toxics', { type: 'timeout' });
    const cases: [unknown, number, string | RegExp][] = [
      [{ type: 'timeout' }, 409, 'toxic already exists'],
      [{ type: 'nope' }, 400, 'invalid toxic type'],
      [{}, 400, 'invalid toxic type'],
      [{ type: 'latency', stream: 'sideways' }, 400, 'stream was invalid, can be either upstream or downstream'],
      [{ type: 'latency', name: 'l', attributes: { latency: -1 } }, 400, /^bad request body: attributes.latency/],
      [{ type: 'latency', name: 'l', attributes: { latency: 1.5 } }, 400, /^bad request body: /],
      [{ type: 'latency', name: 'l', attributes: { latency: 'slow' } }, 400, /^bad request body: /],
      [{ type: 'latency', name: 'l', toxicity: 2 }, 400, /^bad request body: toxicity/],
      [{ type: 'slicer', name: 's', attributes: { average_size: 0, size_variation: 0 } }, 400, /average_size/],
      [{ type: 'packet_loss', name: 'p', attributes: { probability: 1 } }, 400, /probability/],
      [{ type: 'cert_expiry', name: 'c', attributes: { variant: 'stale' } }, 400, /variant/],
      [[], 400, /^bad request body: /],
    ];
    for (const [body, status, error] of cases) {
      const res = await api(base, 'POST', '/proxies/redis/toxics', body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.json.status).toBe(status);
      if (typeof error === 'string') expect(res.json.error).toBe(error);
      else expect(res.json.error).toMatch(error);
    }
    expect(await api(base, 'POST', '/proxies/nope/toxics', { type: 'latency' })).toMatchObject({ status: 404, json: { error: 'proxy not found' } });
    expect(await api(base, 'GET', '/proxies/nope/toxics')).toMatchObject({ status: 404 });
    expect(await api(base, 'GET', '/proxies/redis/toxics/nope')).toMatchObject({ status: 404, json: { error: 'toxic not found', status: 404 } });
    expect(await api(base, 'PATCH', '/proxies/redis/toxics/nope', { attributes: {} })).toMatchObject({ status: 404, json: { error: 'toxic not found' } });
    expect(await api(base, 'DELETE', '/proxies/redis/toxics/nope')).toMatchObject({ status: 404, json: { error: 'toxic not found' } });
    expect((await api(base, 'PATCH', '/proxies/redis/toxics/timeout_downstream', { attributes: { timeout: -3 } })).status).toBe(400);
  });

  it('populates (create-or-replace) and is idempotent', async () => {
    const body = [
      { name: 'a', upstream: echo.address },
      { name: 'b', upstream: echo.address, enabled: false },
    ];
    const first = await api(base, 'POST', '/populate', body);
    expect(first.status).toBe(201);
    expect(first.json.proxies.map((p: { name: string }) => p.name)).toEqual(['a', 'b']);
    expect(first.json.proxies[1].enabled).toBe(false);
    await api(base, 'POST', '/proxies/a/toxics', { type: 'latency' });
    const again = await api(base, 'POST', '/populate', body);
    expect(again.json.proxies[0].listen).toBe(first.json.proxies[0].listen); // unchanged proxy kept ...
    expect(again.json.proxies[0].toxics).toHaveLength(1); // ... with its toxics
    const replaced = await api(base, 'POST', '/populate', [{ name: 'a', upstream: '127.0.0.1:1' }]);
    expect(replaced.json.proxies[0]).toMatchObject({ upstream: '127.0.0.1:1', toxics: [] });

    expect(await api(base, 'POST', '/populate', { name: 'a' })).toMatchObject({ status: 400 });
    expect(await api(base, 'POST', '/populate', [{ name: 'c', upstream: echo.address }, { name: 'c', upstream: echo.address }])).toMatchObject({ status: 400 });
    expect(await api(base, 'POST', '/populate', [{ upstream: echo.address }])).toMatchObject({ status: 400, json: { error: 'missing required field: name at proxy 1' } });
    expect((await api(base, 'GET', '/proxies')).json.c).toBeUndefined(); // validated before anything applied
  });

  it('resets: enables every proxy and removes every toxic', async () => {
    await createRedis();
    await api(base, 'POST', '/proxies/redis/toxics', { type: 'latency' });
    await api(base, 'PATCH', '/proxies/redis', { enabled: false });
    expect((await api(base, 'POST', '/reset')).status).toBe(204);
    expect((await api(base, 'GET', '/proxies/redis')).json).toMatchObject({ enabled: true, toxics: [] });
  });

  it('serves Prometheus metrics per proxy', async () => {
    const created = await createRedis();
    await api(base, 'POST', '/proxies/redis/toxics', { type: 'latency' });
    const client = await connectTo(portOf(created.json.listen));
    client.write('hello');
    await new Promise((r) => client.once('data', r));
    client.destroy();
    const res = await api(base, 'GET', '/metrics');
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(res.text).toContain(`toxiproxy_proxy_received_bytes_total{direction="upstream",listener="${created.json.listen}",proxy="redis",upstream="${echo.address}"} 5`);
    expect(res.text).toMatch(/toxiproxy_proxy_sent_bytes_total\{direction="downstream",[^}]*\} 5/);
    expect(res.text).toContain('toxiproxy_proxy_connections_total{proxy="redis"} 1');
    expect(res.text).toContain('toxiproxy_proxy_toxics{proxy="redis",type="latency",stream="downstream"} 1');
  });

  it('refuses browsers, unknown routes and wrong methods', async () => {
    expect(await api(base, 'GET', '/proxies', undefined, { 'user-agent': 'Mozilla/5.0' })).toMatchObject({ status: 403 });
    expect(await api(base, 'GET', '/nope')).toMatchObject({ status: 404, json: { status: 404 } });
    expect(await api(base, 'PUT', '/proxies')).toMatchObject({ status: 405, json: { status: 405 } });
    expect(await api(base, 'GET', '/proxies/%E0%A4%A')).toMatchObject({ status: 400 });
  });

  it('serves the cert_expiry CA as PEM', async () => {
    const res = await api(base, 'GET', '/tls/ca.pem');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });
});

import { Toxiproxy, ToxiproxyError } from 'toxiproxy-node-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyServer } from '../index.js';
import { portOf } from '../testing/api-helpers.js';
import { connectTo, roundTrip, startEchoServer, type TestServer } from '../testing/net-helpers.js';

// toxiproxy-node-client is a client nobody here wrote: if it works unchanged, the API is compatible.
describe('compatibility with toxiproxy-node-client', () => {
  let server: ProxyServer;
  let echo: TestServer;
  let toxiproxy: Toxiproxy;
  beforeEach(async () => {
    echo = await startEchoServer();
    server = await startProxyServer({ port: 0 });
    toxiproxy = new Toxiproxy(server.url);
  });
  afterEach(async () => {
    await server.close();
    await echo.close();
  });

  it('runs the client lifecycle: create, toxic, update, remove, reset, populate', async () => {
    expect(await toxiproxy.getVersion()).toContain('version');
    const proxy = await toxiproxy.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: echo.address });
    expect(proxy.enabled).toBe(true);
    expect(portOf(proxy.listen)).toBeGreaterThan(0);

    const toxic = await proxy.addToxic({ name: 'slow', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 60, jitter: 0 } } as never);
    expect(toxic.attributes).toEqual({ latency: 60, jitter: 0 });
    const client = await connectTo(portOf(proxy.listen));
    const slow = await roundTrip(client, Buffer.from('ping'));
    expect(slow.ms).toBeGreaterThanOrEqual(55);

    const updated = await toxic.update({ ...toxic.toJson(), attributes: { latency: 0, jitter: 0 } } as never);
    expect(updated.attributes).toEqual({ latency: 0, jitter: 0 });
    expect((await roundTrip(client, Buffer.from('ping'))).ms).toBeLessThan(50);

    const fetched = await proxy.getToxic('slow');
    expect(fetched.name).toBe('slow');
    await fetched.remove();
    await expect(proxy.getToxic('slow')).rejects.toBeInstanceOf(ToxiproxyError);
    client.destroy();

    const disabled = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    expect(disabled.enabled).toBe(false);
    await toxiproxy.reset();
    expect((await toxiproxy.get('echo')).enabled).toBe(true);

    const all = await toxiproxy.getAll();
    expect(Object.keys(all)).toEqual(['echo']);
    const populated = await toxiproxy.populate([{ name: 'second', listen: '127.0.0.1:0', upstream: echo.address }]);
    expect(populated['second']?.enabled).toBe(true);
    await populated['second']?.remove();
    await expect(toxiproxy.get('second')).rejects.toThrow(/404/);
    await expect(toxiproxy.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: echo.address })).rejects.toThrow(/409/);
  });
});

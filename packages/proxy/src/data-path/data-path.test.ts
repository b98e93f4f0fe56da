import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyServer } from '../index.js';
import { proxyFixture, type ProxyFixture } from '../testing/fixture.js';
import { closeKind, connectTo, pattern, readAll, readBytes, roundTrip, startEchoServer, startTcpServer, type TestServer } from '../testing/net-helpers.js';
import { LINK_HIGH_WATER_MARK } from './link.js';

/** Deterministic pseudo-random bytes (mulberry32), so a reordering cannot hide in a repeating pattern. */
function seededBytes(size: number, seed: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let a = seed >>> 0;
  for (let i = 0; i < size; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    buf[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return buf;
}

function handleCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

describe('data path', () => {
  let f: ProxyFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  it('passes half-closes through like TCP: the other direction keeps flowing', async () => {
    let serverSide!: import('node:net').Socket;
    const upstream = await startTcpServer((s) => (serverSide = s));
    f = await proxyFixture({ upstream });
    const client = await f.connect();
    await new Promise((r) => setTimeout(r, 20));
    client.end('request'); // client half-closes
    const got = await readAll(serverSide);
    expect(got.toString()).toBe('request');
    const reply = readAll(client);
    serverSide.end('response after the client finished sending');
    expect((await reply).toString()).toBe('response after the client finished sending');
  });

  it('applies several toxics in order as a pipeline (latency + slicer + limit_data)', async () => {
    f = await proxyFixture();
    await f.addToxic({ name: 'l', type: 'latency', attributes: { latency: 50 } });
    await f.addToxic({ name: 's', type: 'slicer', attributes: { average_size: 10, size_variation: 5, delay: 100 } });
    await f.addToxic({ name: 'cut', type: 'limit_data', attributes: { bytes: 100 } });
    const client = await f.connect();
    const start = performance.now();
    const all = readAll(client);
    client.write(pattern(1000));
    const got = await all;
    expect(got.equals(pattern(1000).subarray(0, 100))).toBe(true);
    expect(performance.now() - start).toBeGreaterThanOrEqual(49);
  });

  it('adds toxics to open connections and toxicity 0 leaves connections alone', async () => {
    f = await proxyFixture();
    const client = await f.connect();
    await f.addToxic({ name: 'never', type: 'latency', toxicity: 0, attributes: { latency: 1_000 } });
    expect((await roundTrip(client, Buffer.from('a'))).ms).toBeLessThan(200);
    await f.server.proxies.updateToxic('p', 'never', { toxicity: 1 });
    expect((await roundTrip(client, Buffer.from('b'))).ms).toBeGreaterThanOrEqual(990);
  });

  it('respects backpressure: a reader that stops reading stops the writer, memory stays bounded', async () => {
    let serverSide!: import('node:net').Socket;
    const upstream = await startTcpServer((s) => {
      serverSide = s;
      s.pause(); // never reads
    });
    f = await proxyFixture();
    await f.server.proxies.update('p', { upstream: upstream.address });
    const port = Number(f.server.proxies.get('p').listen.split(':')[1]);
    const client = await connectTo(port);
    const chunk = Buffer.alloc(64 * 1024);
    let written = 0;
    while (written < 64 * 1024 * 1024 && client.write(chunk)) written += chunk.length;
    await new Promise((r) => setTimeout(r, 300));
    const metrics = await (await fetch(`${f.server.url}/metrics`)).text();
    const received = Number(/toxiproxy_proxy_received_bytes_total\{direction="upstream"[^}]*\} (\d+)/.exec(metrics)?.[1]);
    const sent = Number(/toxiproxy_proxy_sent_bytes_total\{direction="upstream"[^}]*\} (\d+)/.exec(metrics)?.[1]);
    // The proxy holds at most a socket buffer plus the link high-water mark, not everything sent.
    expect(received - sent).toBeLessThanOrEqual(LINK_HIGH_WATER_MARK + 64 * 1024);
    expect(written).toBeLessThan(64 * 1024 * 1024);
    client.destroy();
    serverSide.destroy();
    await upstream.close();
  });

  it('adding and removing toxics in the middle of a large transfer loses and reorders no byte', async () => {
    f = await proxyFixture(); // echo upstream: every byte crosses the proxy twice
    const payload = seededBytes(12 * 1024 * 1024, 0x5eed);
    const client = await f.connect();
    const proxies = f.server.proxies;
    // Toggles fire at thresholds of echoed bytes, so they land while bytes are in flight in both
    // directions (held in a latency queue, a slicer, socket buffers) — not between transfers.
    const steps: [number, () => Promise<unknown>][] = [
      [1 * 1024 * 1024, () => proxies.addToxic('p', { name: 'up-lat', type: 'latency', stream: 'upstream', attributes: { latency: 5, jitter: 2 } })],
      [2 * 1024 * 1024, () => proxies.addToxic('p', { name: 'down-slice', type: 'slicer', attributes: { average_size: 3000, size_variation: 1000 } })],
      [4 * 1024 * 1024, () => proxies.removeToxic('p', 'up-lat')],
      [5 * 1024 * 1024, () => proxies.removeToxic('p', 'down-slice')],
      [7 * 1024 * 1024, () => proxies.addToxic('p', { name: 'down-lat', type: 'latency', attributes: { latency: 3 } })],
      [9 * 1024 * 1024, () => proxies.removeToxic('p', 'down-lat')],
    ];
    const done: Promise<unknown>[] = [];
    const chunks: Buffer[] = [];
    let received = 0;
    const all = new Promise<Buffer>((resolve, reject) => {
      client.on('data', (c: Buffer) => {
        chunks.push(c);
        received += c.length;
        while (steps.length > 0 && received >= (steps[0] as [number, unknown])[0]) done.push((steps.shift() as [number, () => Promise<unknown>])[1]());
        if (received >= payload.length) resolve(Buffer.concat(chunks));
      });
      client.once('close', () => reject(new Error(`connection closed after ${received} of ${payload.length} bytes`)));
    });
    for (let i = 0; i < payload.length; i += 64 * 1024) {
      if (!client.write(payload.subarray(i, i + 64 * 1024))) await once(client, 'drain');
    }
    const got = await all;
    await Promise.all(done);
    expect(steps).toHaveLength(0);
    expect(proxies.get('p').toxics).toHaveLength(0);
    expect(got.length).toBe(payload.length);
    const firstDiff = got.findIndex((b, i) => b !== payload[i]);
    expect(firstDiff).toBe(-1);
  }, 60_000);

  it('disabling a proxy drops its connections; enabling accepts again', async () => {
    f = await proxyFixture();
    const client = await f.connect();
    const closed = closeKind(client);
    await f.server.proxies.update('p', { enabled: false });
    expect(await closed).toBe('end');
    await f.server.proxies.update('p', { enabled: true });
    const again = await f.connect();
    expect((await roundTrip(again, Buffer.from('x'))).reply.toString()).toBe('x');
  });

  it('drops the client when the upstream is down', async () => {
    const dead = await startTcpServer(() => undefined);
    await dead.close();
    f = await proxyFixture();
    await f.server.proxies.update('p', { upstream: dead.address });
    const client = await f.connect();
    expect(await closeKind(client)).toBe('end');
    const metrics = await (await fetch(`${f.server.url}/metrics`)).text();
    expect(metrics).toContain('toxiproxy_proxy_upstream_failures_total{proxy="p"} 1');
  });
});

describe('scale and cleanup', () => {
  let server: ProxyServer | undefined;
  let echo: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    await echo?.close();
  });

  it('carries 2000 concurrent connections with toxics, and close() leaves no sockets or timers', async () => {
    const before = handleCounts();
    echo = await startEchoServer();
    server = await startProxyServer({ port: 0 });
    const proxy = await server.proxies.create({ name: 'many', upstream: echo.address });
    await server.proxies.addToxic('many', { type: 'latency', attributes: { latency: 20, jitter: 5 } });
    await server.proxies.addToxic('many', { type: 'timeout', stream: 'upstream', toxicity: 0, attributes: { timeout: 60_000 } });
    const port = Number(proxy.listen.split(':')[1]);
    const n = 2000;
    const clients = [];
    for (let i = 0; i < n; i += 200) {
      clients.push(...(await Promise.all(Array.from({ length: Math.min(200, n - i) }, () => connectTo(port)))));
    }
    for (const c of clients) {
      c.on('error', () => undefined); // close() below resets some of them on purpose
    }
    await Promise.all(
      clients.map(async (c, i) => {
        const msg = Buffer.from(`conn-${i}`);
        const got = readBytes(c, msg.length);
        c.write(msg);
        expect((await got).equals(msg)).toBe(true);
      }),
    );
    expect(server.proxies.connectionCount('many')).toBe(n);
    // Held bytes in every connection's latency stage: close() must clear those timers too.
    for (const c of clients) c.write('in flight');
    await server.close();
    for (const c of clients) c.destroy();
    await echo.close();
    server = undefined;
    echo = undefined;
    // Handles finish closing a loop turn or two after destroy(); give them up to 5 s.
    const deadline = Date.now() + 5_000;
    let after = handleCounts();
    while (Date.now() < deadline && (after['TCPSocketWrap'] ?? 0) > (before['TCPSocketWrap'] ?? 0)) {
      await new Promise((r) => setTimeout(r, 20));
      after = handleCounts();
    }
    expect(after['TCPSocketWrap'] ?? 0).toBeLessThanOrEqual(before['TCPSocketWrap'] ?? 0);
    expect(after['TCPServerWrap'] ?? 0).toBeLessThanOrEqual(before['TCPServerWrap'] ?? 0);
    expect(after['Timeout'] ?? 0).toBeLessThanOrEqual(before['Timeout'] ?? 0);
  });
});

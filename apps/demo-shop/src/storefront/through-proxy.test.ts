import { afterEach, describe, expect, it } from 'vitest';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startInventory } from '../inventory/inventory.js';
import { startStorefront } from './storefront.js';
import { getJson } from '../test-helpers.js';

/**
 * A tiny TCP forwarder that delays every chunk from upstream by `delayMs` — what a latency toxic on
 * the fault proxy does. The storefront talks to it exactly as the quick start talks to the proxy.
 */
async function delayingForwarder(upstreamPort: number): Promise<{ port: number; setDelay(ms: number): void; close(): Promise<void> }> {
  let delayMs = 0;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const server: Server = createServer((client) => {
    track(client);
    const upstream = connect({ host: '127.0.0.1', port: upstreamPort });
    track(upstream);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      const send = () => client.destroyed || client.write(chunk);
      if (delayMs === 0) return void send();
      const t = setTimeout(() => {
        timers.delete(t);
        send();
      }, delayMs);
      timers.add(t);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    setDelay: (ms) => (delayMs = ms),
    close: () =>
      new Promise<void>((r) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

describe('storefront behind a latency-injecting hop', () => {
  it('fragile answers 504 and resilient stays 200 (stale) when the network adds 1.5 s', async () => {
    const inventory = await startInventory();
    closers.push(() => inventory.close());
    const hop = await delayingForwarder(inventory.port);
    closers.push(() => hop.close());
    const inventoryUrl = `http://127.0.0.1:${hop.port}`;
    const fragile = await startStorefront({ inventoryUrl, variant: 'fragile' });
    closers.push(() => fragile.close());
    const resilient = await startStorefront({ inventoryUrl, variant: 'resilient', random: () => 0.5 });
    closers.push(() => resilient.close());

    expect((await getJson(`${fragile.url}/product/ms-002`)).status).toBe(200);
    expect((await getJson(`${resilient.url}/product/ms-002`)).status).toBe(200);
    hop.setDelay(1_500);
    const [f, r] = await Promise.all([getJson(`${fragile.url}/product/ms-002`), getJson(`${resilient.url}/product/ms-002`)]);
    expect(f.status).toBe(504);
    expect(r).toMatchObject({ status: 200, body: { stale: true } });
    hop.setDelay(0);
    expect((await getJson(`${fragile.url}/product/ms-002`)).status).toBe(200);
  });
});

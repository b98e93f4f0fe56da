import { request } from 'undici';
import { ProviderError } from '@faultline/core';
import { startInventory } from '@faultline/demo-shop';
import { startProxyServer } from '@faultline/proxy';

/** Creates a proxy on the embedded proxy's API; returns the address it listens on. */
async function createProxy(api: string, name: string, upstream: string): Promise<string> {
  const res = await request(`${api}/proxies`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, listen: '127.0.0.1:0', upstream, enabled: true }),
    headersTimeout: 5000,
    bodyTimeout: 5000,
  });
  const body = (await res.body.json()) as { listen?: string; error?: string };
  if (res.statusCode !== 201 || !body.listen) {
    throw new ProviderError(`the embedded proxy at ${api} refused to create the demo proxy "${name}" (${res.statusCode}: ${body.error ?? 'no error text'})`, {
      hint: 'run with a free loopback port range; if it repeats, report it with this message',
    });
  }
  return body.listen;
}

/**
 * What every demo starts first: the embedded proxy and the demo shop's inventory behind a proxy named
 * `inventory`. Each started piece's stop is pushed onto `stops` (the caller stops them in reverse).
 */
export async function startDemoBackends(stops: Array<() => Promise<void>>): Promise<{ proxyUrl: string; inventoryUrl: string; inventoryAddress: string }> {
  const proxy = await startProxyServer({ host: '127.0.0.1', port: 0 });
  stops.push(() => proxy.close());
  const inventory = await startInventory({ host: '127.0.0.1', port: 0 });
  stops.push(() => inventory.close());
  const inventoryAddress = await createProxy(proxy.url, 'inventory', `127.0.0.1:${inventory.port}`);
  return { proxyUrl: proxy.url, inventoryUrl: inventory.url, inventoryAddress };
}

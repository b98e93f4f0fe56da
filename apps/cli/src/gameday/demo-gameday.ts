import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { request } from 'undici';
import { ProviderError } from '@faultline/core';
import { startInventory, startLoad, startStorefront } from '@faultline/demo-shop';
import { startProxyServer } from '@faultline/proxy';
import type { CliIo } from '../io.js';
import { palette } from '../io.js';
import { gamedayRunCommand } from './run-gameday.js';

/** The example game day shipped in the repository (and in the npm package). */
export function demoGameDayFile(): string {
  return fileURLToPath(new URL('../../../../experiments/gameday/storefront.gameday.yaml', import.meta.url));
}

async function createProxy(api: string, name: string, upstream: string): Promise<string> {
  const res = await request(`${api}/proxies`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, listen: '127.0.0.1:0', upstream, enabled: true }), headersTimeout: 5000, bodyTimeout: 5000,
  });
  const body = (await res.body.json()) as { listen?: string; error?: string };
  if (res.statusCode !== 201 || !body.listen) throw new ProviderError(`the embedded proxy refused to create "${name}" (${res.statusCode}: ${body.error ?? 'no error text'})`);
  return body.listen;
}

/**
 * `faultline demo --gameday`: the embedded proxy, inventory, a fragile and a resilient storefront (both
 * reach inventory through the proxy) and traffic to both; then experiments/gameday/storefront.gameday.yaml
 * runs against them. Everything started here is stopped at the end. The exit code is the day's.
 */
export async function demoGameDay(io: CliIo, opts: { duration: string; stateDir: string; report?: string; markdown?: string; yes?: boolean }): Promise<number> {
  const p = palette(io);
  const stops: Array<() => Promise<void>> = [];
  try {
    const proxy = await startProxyServer({ host: '127.0.0.1', port: 0 });
    stops.push(() => proxy.close());
    const inventory = await startInventory({ host: '127.0.0.1', port: 0 });
    stops.push(() => inventory.close());
    const listen = await createProxy(proxy.url, 'inventory', `127.0.0.1:${inventory.port}`);
    const fragile = await startStorefront({ inventoryUrl: `http://${listen}`, variant: 'fragile', port: 0 });
    stops.push(() => fragile.close());
    const resilient = await startStorefront({ inventoryUrl: `http://${listen}`, variant: 'resilient', port: 0 });
    stops.push(() => resilient.close());
    for (const front of [fragile, resilient]) {
      const load = startLoad({ url: `${front.url}/product/kb-001`, rps: 5 });
      stops.push(async () => { await load.stop(); });
    }
    const file = demoGameDayFile();
    io.stdout.write([
      p.bold('Faultline game day demo'),
      `  fragile storefront ${fragile.url} · resilient storefront ${resilient.url} → fault proxy ${listen} → inventory ${inventory.url}`,
      `  game day: ${path.relative(io.cwd, file)}`,
      '',
    ].join('\n') + '\n');
    const env = {
      ...io.env, FAULTLINE_PROXY_API: proxy.url, FRAGILE_URL: fragile.url, RESILIENT_URL: resilient.url, INVENTORY_URL: inventory.url,
      GAMEDAY_HOLD: opts.duration, GAMEDAY_SETTLE: io.env.GAMEDAY_SETTLE ?? '3s',
    };
    return await gamedayRunCommand({ ...io, env }, file, {
      stateDir: opts.stateDir,
      ...(opts.yes ? { yes: true } : {}),
      ...(opts.report ? { report: opts.report } : {}),
      ...(opts.markdown ? { markdown: opts.markdown } : {}),
    });
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

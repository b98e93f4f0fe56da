import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { startLoad, startStorefront } from '@faultline/demo-shop';
import { startDemoBackends } from '../commands/demo-backends.js';
import type { CliIo } from '../io.js';
import { palette } from '../io.js';
import { gamedayRunCommand } from './run-gameday.js';

/** The example game day shipped in the repository (and in the npm package). */
export function demoGameDayFile(): string {
  return fileURLToPath(new URL('../../../../experiments/gameday/storefront.gameday.yaml', import.meta.url));
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
    const { proxyUrl, inventoryUrl, inventoryAddress: listen } = await startDemoBackends(stops);
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
      `  fragile storefront ${fragile.url} · resilient storefront ${resilient.url} → fault proxy ${listen} → inventory ${inventoryUrl}`,
      `  game day: ${path.relative(io.cwd, file)}`,
      '',
    ].join('\n') + '\n');
    const env = {
      ...io.env, FAULTLINE_PROXY_API: proxyUrl, FRAGILE_URL: fragile.url, RESILIENT_URL: resilient.url, INVENTORY_URL: inventoryUrl,
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

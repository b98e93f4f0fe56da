import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLoad, startStorefront } from '@faultline/demo-shop';
import { startDemoBackends } from './demo-backends.js';
import type { CliIo } from '../io.js';
import { palette } from '../io.js';
import { runCommand } from './run.js';

/** The quick-start experiment shipped in the repository (and in the npm package). */
export function quickstartFile(): string {
  return fileURLToPath(new URL('../../../../experiments/quickstart.yaml', import.meta.url));
}

/**
 * `faultline demo`: starts the embedded proxy, the demo shop's inventory and storefront (the storefront
 * reaches inventory through the proxy) and a steady trickle of traffic, runs experiments/quickstart.yaml
 * against them, and stops everything it started. The exit code is the experiment's verdict.
 */
export async function demoCommand(io: CliIo, opts: { variant: 'fragile' | 'resilient'; duration: string; stateDir: string; report?: string; gameday?: boolean; yes?: boolean; markdown?: string }): Promise<number> {
  if (opts.gameday) return (await import('../gameday/demo-gameday.js')).demoGameDay(io, opts);
  const p = palette(io);
  const stops: Array<() => Promise<void>> = [];
  try {
    const { proxyUrl, inventoryUrl, inventoryAddress: listen } = await startDemoBackends(stops);
    const storefront = await startStorefront({ inventoryUrl: `http://${listen}`, variant: opts.variant, port: 0 });
    stops.push(() => storefront.close());
    const load = startLoad({ url: `${storefront.url}/product/kb-001`, rps: 5 });
    stops.push(async () => { await load.stop(); });

    io.stdout.write([
      p.bold('Faultline quick start'),
      `  demo shop: storefront (${opts.variant}) ${storefront.url} → fault proxy ${listen} → inventory ${inventoryUrl}`,
      `  proxy API: ${proxyUrl} (Toxiproxy-compatible)   experiment: ${path.relative(io.cwd, quickstartFile())}`,
      '',
    ].join('\n') + '\n');
    return await runCommand({ ...io, env: { ...io.env, FAULTLINE_PROXY_API: proxyUrl, STOREFRONT_URL: storefront.url, QUICKSTART_DURATION: opts.duration } }, quickstartFile(), {
      stateDir: opts.stateDir,
      ...(opts.report ? { report: opts.report } : {}),
    }).then((code) => {
      io.stdout.write(p.dim(opts.variant === 'fragile'
        ? '\nThe fragile storefront waits up to 2 s for inventory inside a 1 s request budget, so added latency becomes 504s.\nTry the fixed version: npx faultline demo --variant resilient\n'
        : '\nThe resilient storefront times out after 250 ms, retries once and falls back to a cached answer.\n'));
      return code;
    });
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

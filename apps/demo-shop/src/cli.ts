import { parseArgs } from 'node:util';
import { once } from 'node:events';
import { parseDuration } from '@faultline/core';
import { startInventory } from './inventory/inventory.js';
import { startStorefront } from './storefront/storefront.js';
import { startLoad } from './load/load.js';
import { storefrontVariants, type StorefrontVariant } from './storefront/variants.js';

const USAGE = `usage: demo-shop <command> [options]
  inventory   [--port 8081] [--host 127.0.0.1] [--delay 0ms]
  storefront  --inventory-url http://127.0.0.1:8081 [--variant fragile|resilient] [--port 8080] [--host 127.0.0.1]
  all         [--variant fragile|resilient] [--port 8080] [--inventory-port 8081]   (no proxy in between)
  load        --url http://127.0.0.1:8080/product/kb-001 [--rps 20] [--duration 60s]
Services run until Ctrl-C (or the signal given to runDemoShopCli aborts).`;

export interface CliIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  /** Stops long-running commands; bin.ts wires SIGINT/SIGTERM to it. */
  readonly signal: AbortSignal;
}

class Usage extends Error {}

function port(v: string | undefined, fallback: number): number {
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Usage(`port must be 0..65535, got ${v}`);
  return n;
}

function variant(v: string | undefined): StorefrontVariant {
  const name = v ?? 'fragile';
  if (!(name in storefrontVariants)) throw new Usage(`--variant must be fragile or resilient, got ${name}`);
  return name as StorefrontVariant;
}

function duration(v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  try {
    return parseDuration(v);
  } catch (err) {
    throw new Usage((err as Error).message);
  }
}

async function untilAborted(signal: AbortSignal): Promise<void> {
  if (!signal.aborted) await once(signal, 'abort');
}

/** Runs one demo-shop command; resolves with the exit code (0 ok, 64 usage, 1 failure). Never exits. */
export async function runDemoShopCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const { values } = parseArgs({
      args: [...rest],
      options: {
        port: { type: 'string' }, host: { type: 'string' }, delay: { type: 'string' }, 'inventory-url': { type: 'string' },
        'inventory-port': { type: 'string' }, variant: { type: 'string' }, url: { type: 'string' }, rps: { type: 'string' },
        duration: { type: 'string' },
      },
      strict: true,
    });
    const host = values.host ?? '127.0.0.1';
    switch (command) {
      case 'inventory': {
        const inv = await startInventory({ host, port: port(values.port, 8081), delayMs: duration(values.delay, 0) });
        io.stdout(`inventory listening on ${inv.url}`);
        await untilAborted(io.signal);
        await inv.close();
        return 0;
      }
      case 'storefront': {
        if (!values['inventory-url']) throw new Usage('storefront needs --inventory-url (e.g. the fault proxy listener)');
        const front = await startStorefront({ inventoryUrl: values['inventory-url'], variant: variant(values.variant), host, port: port(values.port, 8080) });
        io.stdout(`storefront (${variant(values.variant)}) listening on ${front.url}, inventory at ${values['inventory-url']}`);
        await untilAborted(io.signal);
        await front.close();
        return 0;
      }
      case 'all': {
        const inv = await startInventory({ host, port: port(values['inventory-port'], 8081) });
        const front = await startStorefront({ inventoryUrl: inv.url, variant: variant(values.variant), host, port: port(values.port, 8080) });
        io.stdout(`inventory listening on ${inv.url}`);
        io.stdout(`storefront (${variant(values.variant)}) listening on ${front.url}`);
        await untilAborted(io.signal);
        await front.close();
        await inv.close();
        return 0;
      }
      case 'load': {
        if (!values.url) throw new Usage('load needs --url');
        const rps = values.rps === undefined ? 20 : Number(values.rps);
        let load;
        try {
          load = startLoad({ url: values.url, rps, durationMs: duration(values.duration, 60_000) });
        } catch (err) {
          throw new Usage((err as Error).message);
        }
        io.stdout(`sending ${rps} rps to ${values.url}`);
        const onAbort = () => void load.stop();
        io.signal.addEventListener('abort', onAbort, { once: true });
        const s = await load.done;
        io.signal.removeEventListener('abort', onAbort);
        io.stdout(`sent ${s.sent}: ${JSON.stringify(s.byStatus)}, ${s.timeouts} timeouts, ${s.networkErrors} connection errors, p50 ${Math.round(s.p50Ms ?? 0)}ms, p99 ${Math.round(s.p99Ms ?? 0)}ms`);
        return 0;
      }
      default:
        throw new Usage(command ? `unknown command "${command}"` : 'no command given');
    }
  } catch (err) {
    if (err instanceof Usage || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`${(err as Error).message}\n${USAGE}`);
      return 64;
    }
    io.stderr(`demo-shop ${command ?? ''} failed: ${(err as Error).message}`);
    return 1;
  }
}

import { sleep } from '@faultline/core';
import { createServiceMetrics } from '../shared/metrics.js';
import { exactRoute, paramRoute, startHttpService, type RunningService } from '../shared/http-service.js';
import { defaultCatalog, type Item } from './catalog.js';

export interface InventoryOptions {
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Items served by GET /items/:sku; default: a small fixed catalog. */
  readonly items?: readonly Item[];
  /**
   * Added to every /items answer (not /health or /metrics): a built-in stand-in for a slow backend
   * when no fault proxy sits in front. Change it at run time with setDelayMs().
   */
  readonly delayMs?: number;
}

export interface RunningInventory extends RunningService {
  /** Changes the added /items latency for the following requests. */
  setDelayMs(ms: number): void;
}

/**
 * The back service: GET /items/:sku (200 item or 404), GET /health, GET /metrics.
 * close() answers nothing more, aborts delayed requests and releases every socket.
 */
export async function startInventory(opts: InventoryOptions = {}): Promise<RunningInventory> {
  const items = new Map((opts.items ?? defaultCatalog).map((i) => [i.sku, i]));
  let delayMs = opts.delayMs ?? 0;
  const service = await startHttpService({
    service: 'inventory',
    metrics: createServiceMetrics(),
    ...(opts.host !== undefined ? { host: opts.host } : {}),
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    routes: [
      paramRoute('/items', 'sku', async ({ sku }, _req, signal) => {
        if (delayMs > 0) await sleep(delayMs, signal);
        const item = items.get(sku as string);
        return item ? { status: 200, body: item } : { status: 404, body: { error: `no item with sku "${sku}"` } };
      }),
      exactRoute('/health', async () => ({ status: 200, body: { status: 'ok', service: 'inventory', items: items.size } })),
    ],
  });
  return {
    ...service,
    setDelayMs(ms: number) {
      if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`delayMs must be a finite number >= 0, got ${ms}`);
      delayMs = ms;
    },
  };
}

import { createServiceMetrics } from '../shared/metrics.js';
import { exactRoute, paramRoute, startHttpService, type Answer, type RunningService } from '../shared/http-service.js';
import type { Item } from '../inventory/catalog.js';
import { InventoryClient } from './inventory-client.js';
import { StaleCache } from './stale-cache.js';
import { storefrontVariants, type StorefrontVariant } from './variants.js';

export interface StorefrontOptions {
  /** Where inventory answers, e.g. the embedded fault proxy's listener: http://127.0.0.1:26379. */
  readonly inventoryUrl: string;
  readonly variant: StorefrontVariant;
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Random source for retry jitter (tests pass a fixed one). */
  readonly random?: () => number;
}

function view(item: Item, variant: StorefrontVariant, stale: { ageMs: number } | undefined) {
  return {
    sku: item.sku,
    name: item.name,
    priceCents: item.priceCents,
    inStock: item.stock > 0,
    stale: stale !== undefined,
    ...(stale ? { staleAgeMs: Math.round(stale.ageMs) } : {}),
    variant,
  };
}

/**
 * The front service: GET /product/:sku (asks inventory), GET /health (no upstream call), GET /metrics.
 * Answers: 200 product (resilient may add `stale: true`), 404 unknown sku, 502 inventory failed,
 * 503 inventory failed and nothing cached (resilient), 504 request budget or upstream timeout.
 */
export async function startStorefront(opts: StorefrontOptions): Promise<RunningService> {
  const policy = storefrontVariants[opts.variant];
  if (!policy) throw new RangeError(`unknown storefront variant "${String(opts.variant)}"; use fragile or resilient`);
  let upstream: URL;
  try {
    upstream = new URL(opts.inventoryUrl);
  } catch {
    throw new RangeError(`inventoryUrl "${opts.inventoryUrl}" is not a URL; use e.g. http://127.0.0.1:8081`);
  }
  if (upstream.protocol !== 'http:') throw new RangeError(`inventoryUrl must be http://, got ${upstream.protocol}`);
  const metrics = createServiceMetrics();
  const client = new InventoryClient(opts.inventoryUrl, policy, {
    onTimeout: () => metrics.upstreamTimeouts.inc({ service: 'storefront', upstream: 'inventory' }),
    ...(opts.random ? { random: opts.random } : {}),
  });
  const cache = new StaleCache<Item>({ maxEntries: 1_000, maxAgeMs: 10 * 60_000 });

  const product = async ({ sku }: Record<string, string>, signal: AbortSignal): Promise<Answer> => {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new Error('request deadline')), policy.deadlineMs);
    try {
      const result = await client.lookup(sku as string, AbortSignal.any([signal, deadline.signal]));
      if (result.kind === 'found') {
        cache.set(result.item.sku, result.item);
        return { status: 200, body: view(result.item, opts.variant, undefined) };
      }
      if (result.kind === 'not-found') return { status: 404, body: { error: `no product with sku "${sku}"` } };
      const cached = policy.cacheFallback ? cache.get(sku as string) : undefined;
      if (cached) return { status: 200, body: view(cached.value, opts.variant, { ageMs: cached.ageMs }) };
      if (deadline.signal.aborted) {
        return { status: 504, body: { error: `request budget of ${policy.deadlineMs}ms exceeded waiting for inventory (${result.reason})` } };
      }
      if (result.timedOut) return { status: 504, body: { error: result.reason } };
      return policy.cacheFallback
        ? { status: 503, body: { error: `${result.reason}, and no cached copy of "${sku}"` } }
        : { status: 502, body: { error: result.reason } };
    } finally {
      clearTimeout(timer);
    }
  };

  return startHttpService({
    service: 'storefront',
    metrics,
    ...(opts.host !== undefined ? { host: opts.host } : {}),
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    routes: [
      paramRoute('/product', 'sku', (params, _req, signal) => product(params, signal)),
      exactRoute('/health', async () => ({ status: 200, body: { status: 'ok', service: 'storefront', variant: opts.variant } })),
    ],
    onClose: () => client.close(),
  });
}

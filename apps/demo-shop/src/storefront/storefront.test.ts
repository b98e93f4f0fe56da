import { afterEach, describe, expect, it } from 'vitest';
import { startInventory, type RunningInventory } from '../inventory/inventory.js';
import { startStorefront } from './storefront.js';
import type { RunningService } from '../shared/http-service.js';
import { getJson, sample } from '../test-helpers.js';

const running: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function shop(variant: 'fragile' | 'resilient'): Promise<{ inventory: RunningInventory; front: RunningService }> {
  const inventory = await startInventory();
  running.push(inventory);
  const front = await startStorefront({ inventoryUrl: inventory.url, variant, random: () => 0.5 });
  running.push(front);
  return { inventory, front };
}

describe('storefront', () => {
  it.each(['fragile', 'resilient'] as const)('%s answers products from inventory and passes 404 through', async (variant) => {
    const { front } = await shop(variant);
    expect(await getJson(`${front.url}/product/kb-001`)).toMatchObject({
      status: 200,
      body: { sku: 'kb-001', name: 'Mechanical keyboard', inStock: true, stale: false, variant },
    });
    expect((await getJson(`${front.url}/product/hd-004`)).body.inStock).toBe(false);
    expect(await getJson(`${front.url}/product/nope`)).toMatchObject({ status: 404 });
    expect(await getJson(`${front.url}/health`)).toMatchObject({ status: 200, body: { status: 'ok', variant } });
  });

  it('fragile turns 1.5 s of backend latency into 504s at the front, after its 1 s budget', async () => {
    const { inventory, front } = await shop('fragile');
    expect((await getJson(`${front.url}/product/kb-001`)).status).toBe(200);
    inventory.setDelayMs(1_500);
    const slow = await getJson(`${front.url}/product/kb-001`);
    expect(slow.status).toBe(504);
    expect(slow.body.error).toMatch(/request budget of 1000ms exceeded/);
    expect(slow.ms).toBeGreaterThanOrEqual(950);
    // 504 itself proves the deadline fired first (inventory would have answered 200 at 1.5 s); the
    // bound only catches a hang, with room for a loaded CI machine.
    expect(slow.ms).toBeLessThan(2_500);
    const metrics = (await getJson(`${front.url}/metrics`)).body as string;
    expect(sample(metrics, 'requests_total', { service: 'storefront', route: '/product/:sku', code: '504' })).toBe(1);
    expect(sample(metrics, 'request_errors_total', { service: 'storefront', route: '/product/:sku', code: '504' })).toBe(1);
    expect(sample(metrics, 'upstream_timeouts_total', { service: 'storefront', upstream: 'inventory' })).toBe(1);
  });

  it('resilient stays 200 under the same latency, answering a stale cached copy', async () => {
    const { inventory, front } = await shop('resilient');
    expect((await getJson(`${front.url}/product/kb-001`)).body.stale).toBe(false);
    inventory.setDelayMs(1_500);
    const slow = await getJson(`${front.url}/product/kb-001`);
    expect(slow.status).toBe(200);
    expect(slow.body).toMatchObject({ sku: 'kb-001', stale: true });
    expect(slow.ms).toBeLessThan(1_400); // 250 ms + jittered backoff + 250 ms, not the 1.5 s inventory takes
    const metrics = (await getJson(`${front.url}/metrics`)).body as string;
    expect(sample(metrics, 'upstream_timeouts_total', { service: 'storefront', upstream: 'inventory' })).toBe(2); // first try + retry
    expect(sample(metrics, 'requests_total', { service: 'storefront', route: '/product/:sku', code: '200' })).toBe(2);
    expect(sample(metrics, 'request_errors_total', { service: 'storefront', route: '/product/:sku', code: '504' })).toBeUndefined();
    // A never-seen sku has nothing to fall back on.
    expect((await getJson(`${front.url}/product/ms-002`)).status).toBe(504);
    inventory.setDelayMs(0);
    expect((await getJson(`${front.url}/product/kb-001`)).body.stale).toBe(false);
  });

  it('with inventory down: fragile answers 502, resilient serves stale or 503', async () => {
    const fragile = await shop('fragile');
    const resilient = await shop('resilient');
    await getJson(`${resilient.front.url}/product/kb-001`);
    await fragile.inventory.close();
    await resilient.inventory.close();
    expect(await getJson(`${fragile.front.url}/product/kb-001`)).toMatchObject({ status: 502, body: { error: expect.stringMatching(/inventory unreachable/) } });
    expect(await getJson(`${resilient.front.url}/product/kb-001`)).toMatchObject({ status: 200, body: { stale: true } });
    expect(await getJson(`${resilient.front.url}/product/ms-002`)).toMatchObject({ status: 503, body: { error: expect.stringMatching(/no cached copy/) } });
  });

  it('counts an abandoned inventory request as 499 at inventory, not as a server error', async () => {
    const { inventory, front } = await shop('fragile');
    inventory.setDelayMs(1_500);
    expect((await getJson(`${front.url}/product/kb-001`)).status).toBe(504);
    const text = (await getJson(`${inventory.url}/metrics`)).body as string;
    await expect.poll(async () => sample((await getJson(`${inventory.url}/metrics`)).body as string, 'requests_total', { route: '/items/:sku', code: '499' })).toBe(1);
    expect(text).not.toMatch(/request_errors_total\{/);
  });

  it('refuses an inventoryUrl that is not an http URL', async () => {
    await expect(startStorefront({ inventoryUrl: 'inventory:8081', variant: 'fragile' })).rejects.toThrow(/must be http/);
    await expect(startStorefront({ inventoryUrl: 'not a url', variant: 'fragile' })).rejects.toThrow(/is not a URL/);
  });
});

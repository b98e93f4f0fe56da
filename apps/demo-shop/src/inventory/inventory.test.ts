import { afterEach, describe, expect, it } from 'vitest';
import { startInventory, type RunningInventory } from './inventory.js';
import { getJson, sample } from '../test-helpers.js';

let inventory: RunningInventory | undefined;
afterEach(async () => {
  await inventory?.close();
  inventory = undefined;
});

describe('inventory', () => {
  it('serves items, 404s unknown skus, answers /health, binds 127.0.0.1', async () => {
    inventory = await startInventory();
    expect(inventory.url).toBe(`http://127.0.0.1:${inventory.port}`);
    expect(await getJson(`${inventory.url}/items/kb-001`)).toMatchObject({ status: 200, body: { sku: 'kb-001', stock: 12 } });
    expect(await getJson(`${inventory.url}/items/nope`)).toMatchObject({ status: 404, body: { error: 'no item with sku "nope"' } });
    expect(await getJson(`${inventory.url}/health`)).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect((await getJson(`${inventory.url}/other`)).status).toBe(404);
  });

  it('exposes requests_total and the duration histogram in Prometheus text format', async () => {
    inventory = await startInventory();
    await getJson(`${inventory.url}/items/kb-001`);
    await getJson(`${inventory.url}/items/kb-001`);
    await getJson(`${inventory.url}/items/nope`);
    const text = (await getJson(`${inventory.url}/metrics`)).body as string;
    expect(text).toContain('# TYPE requests_total counter');
    expect(text).toContain('# TYPE request_duration_seconds histogram');
    expect(sample(text, 'requests_total', { service: 'inventory', route: '/items/:sku', code: '200' })).toBe(2);
    expect(sample(text, 'requests_total', { service: 'inventory', route: '/items/:sku', code: '404' })).toBe(1);
    expect(sample(text, 'request_duration_seconds_count', { service: 'inventory', route: '/items/:sku', code: '200' })).toBe(2);
    expect(sample(text, 'request_duration_seconds_bucket', { route: '/items/:sku', code: '200', le: '+Inf' })).toBe(2);
    // Every sample line is `name{labels} value` — what Prometheus' text parser accepts.
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
      expect(line).toMatch(/^[a-zA-Z_:][\w:]*(\{([a-zA-Z_]\w*="(?:[^"\\]|\\.)*",?)*\})? -?(\d+(\.\d+)?(e[+-]?\d+)?|NaN|\+Inf)$/);
    }
  });

  it('adds delayMs to /items only, changeable at run time', async () => {
    inventory = await startInventory({ delayMs: 300 });
    expect((await getJson(`${inventory.url}/items/kb-001`)).ms).toBeGreaterThanOrEqual(290);
    expect((await getJson(`${inventory.url}/health`)).ms).toBeLessThan(290);
    inventory.setDelayMs(0);
    expect((await getJson(`${inventory.url}/items/kb-001`)).ms).toBeLessThan(290);
    expect(() => inventory?.setDelayMs(-1)).toThrow(RangeError);
  });

  it('close() returns promptly even with a delayed request in flight, and stops listening', async () => {
    inventory = await startInventory({ delayMs: 30_000 });
    const url = inventory.url;
    const pending = getJson(`${url}/items/kb-001`).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    await inventory.close();
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(await pending).toBeInstanceOf(Error);
    await expect(getJson(`${url}/health`, 1_000)).rejects.toThrow();
    inventory = undefined;
  });
});

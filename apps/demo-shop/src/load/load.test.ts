import { afterEach, describe, expect, it } from 'vitest';
import { startInventory, type RunningInventory } from '../inventory/inventory.js';
import { startLoad, type RunningLoad } from './load.js';
import { getJson, sample } from '../test-helpers.js';

let inventory: RunningInventory | undefined;
let load: RunningLoad | undefined;
afterEach(async () => {
  await load?.stop();
  await inventory?.close();
  load = undefined;
  inventory = undefined;
});

describe('startLoad', () => {
  it('sends about rps requests per second and stops by itself', async () => {
    inventory = await startInventory();
    const t0 = performance.now();
    load = startLoad({ url: `${inventory.url}/items/kb-001`, rps: 50, durationMs: 600 });
    const final = await load.done;
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(final.running).toBe(false);
    // 50 rps for 0.6 s = 30; generous bounds for a shared 2-core machine.
    expect(final.sent).toBeGreaterThanOrEqual(15);
    expect(final.sent).toBeLessThanOrEqual(35);
    expect(final.ok).toBe(final.sent);
    expect(final.byStatus).toEqual({ 200: final.sent });
    expect(final.p50Ms).toBeGreaterThan(0);
    const metrics = (await getJson(`${inventory.url}/metrics`)).body as string;
    expect(sample(metrics, 'requests_total', { route: '/items/:sku', code: '200' })).toBe(final.sent);
  });

  it('counts failures and timeouts instead of throwing', async () => {
    inventory = await startInventory({ delayMs: 2_000 });
    load = startLoad({ url: `${inventory.url}/items/kb-001`, rps: 20, durationMs: 300, timeoutMs: 100 });
    const final = await load.done;
    expect(final.sent).toBeGreaterThan(0);
    expect(final.timeouts).toBe(final.sent);
    expect(final.failed).toBe(final.sent);
    expect(final.ok).toBe(0);
  });

  it('stop() ends early and is idempotent', async () => {
    inventory = await startInventory();
    load = startLoad({ url: `${inventory.url}/health`, rps: 100, durationMs: 60_000 });
    await new Promise((r) => setTimeout(r, 100));
    const [a, b] = await Promise.all([load.stop(), load.stop()]);
    expect(a).toBe(b);
    expect(a.inFlight).toBe(0);
    expect(load.stats().sent).toBe(a.sent);
  });

  it('refuses remote hosts and out-of-range options', () => {
    expect(() => startLoad({ url: 'http://example.com/', rps: 1 })).toThrow(/not a loopback address; pass allowRemote/);
    expect(() => startLoad({ url: 'http://127.0.0.1:1/', rps: 0 })).toThrow(/rps must be between 1 and 1000/);
    expect(() => startLoad({ url: 'http://127.0.0.1:1/', rps: 1, durationMs: 0 })).toThrow(/durationMs/);
  });
});

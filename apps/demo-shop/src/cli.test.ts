import { describe, expect, it } from 'vitest';
import { runDemoShopCli } from './cli.js';
import { getJson } from './test-helpers.js';

function io(signal: AbortSignal) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l), signal } };
}

describe('demo-shop cli', () => {
  it('runs both services until aborted, then closes them', async () => {
    const ctl = new AbortController();
    const t = io(ctl.signal);
    const exit = runDemoShopCli(['all', '--port', '0', '--inventory-port', '0', '--variant', 'resilient'], t.io);
    await expect.poll(() => t.out.length).toBe(2);
    const frontUrl = /listening on (\S+)/.exec(t.out[1] ?? '')?.[1] as string;
    expect((await getJson(`${frontUrl}/product/kb-001`)).body).toMatchObject({ variant: 'resilient', stale: false });
    ctl.abort();
    expect(await exit).toBe(0);
    await expect(getJson(`${frontUrl}/health`, 1_000)).rejects.toThrow();
  });

  it('answers usage errors with 64', async () => {
    const t = io(new AbortController().signal);
    expect(await runDemoShopCli(['storefront'], t.io)).toBe(64);
    expect(t.err[0]).toMatch(/needs --inventory-url/);
    expect(await runDemoShopCli(['all', '--variant', 'sturdy'], t.io)).toBe(64);
    expect(await runDemoShopCli(['inventory', '--delay', '5'], t.io)).toBe(64);
    expect(await runDemoShopCli(['load', '--url', 'http://example.com/'], t.io)).toBe(64);
    expect(await runDemoShopCli(['inventory', '--bogus'], t.io)).toBe(64);
    expect(await runDemoShopCli([], t.io)).toBe(64);
  });
});

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { startController, type Controller } from '@faultline/controller';
import { startInventory, startLoad, startStorefront, type RunningLoad, type RunningService } from '@faultline/demo-shop';
import { startProxyServer, type ProxyServer } from '@faultline/proxy';

export const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/dashboard/', import.meta.url));

/** The demo shop behind the embedded proxy (two links, so two runs never share a target) and a controller. */
export interface Stack {
  controller: Controller;
  url: string;
  proxy: ProxyServer;
  storefrontUrl: string;
  tokens: { admin: string; reader: string };
  close(): Promise<void>;
}

async function createProxy(api: string, name: string, upstream: string): Promise<string> {
  const res = await fetch(`${api}/proxies`, { method: 'POST', body: JSON.stringify({ name, listen: '127.0.0.1:0', upstream, enabled: true }) });
  const body = (await res.json()) as { listen?: string };
  if (!body.listen) throw new Error(`the embedded proxy refused to create ${name}: ${res.status}`);
  return body.listen;
}

export async function startStack(): Promise<Stack> {
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-dashboard-e2e-'));
  const stops: Array<() => Promise<unknown>> = [];
  const proxy = await startProxyServer({ host: '127.0.0.1', port: 0 });
  stops.push(() => proxy.close());
  const inventory: RunningService = await startInventory({ host: '127.0.0.1', port: 0 });
  stops.push(() => inventory.close());
  const link = await createProxy(proxy.url, 'inventory', `127.0.0.1:${inventory.port}`);
  await createProxy(proxy.url, 'inventory-b', `127.0.0.1:${inventory.port}`);
  const storefront = await startStorefront({ inventoryUrl: `http://${link}`, variant: 'fragile', port: 0 });
  stops.push(() => storefront.close());
  const load: RunningLoad = startLoad({ url: `${storefront.url}/product/kb-001`, rps: 4, durationMs: 600_000, timeoutMs: 3000 });
  stops.push(() => load.stop());
  const controller = await startController({ host: '127.0.0.1', port: 0, database: path.join(dir, 'faultline.db'), rateLimitPerMinute: false, haltPollMs: 250, ssePollMs: 200, scheduler: false });
  // scheduler: false — schedules are shown and previewed, but nothing fires during the test whatever the date.
  stops.push(() => controller.close('test over'));
  const admin = (await controller.store.createToken({ name: 'alice', scopes: ['admin'] })).secret;
  const reader = (await controller.store.createToken({ name: 'viewer', scopes: ['read'] })).secret;
  return {
    controller, url: controller.url, proxy, storefrontUrl: storefront.url, tokens: { admin, reader },
    async close() {
      for (const s of stops.reverse()) await s().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The controller's API with a bearer token (setup and assertions; the UI under test uses its cookie). */
export async function apiCall<T>(stack: Stack, method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${stack.url}${url}`, {
    method, headers: { authorization: `Bearer ${stack.tokens.admin}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Polls until `check` passes (no fixed sleeps); gives up after `attempts` tries with the last error. */
export async function eventually(check: () => Promise<void> | void, attempts = 300): Promise<void> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      await check();
      return;
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw last;
}

/** Runs axe-core inside the page (evaluated over the DevTools protocol, so the page's CSP still holds). */
export async function axeViolations(page: Page): Promise<string[]> {
  const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const result = await page.evaluate<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }> }>(
    "axe.run(document, { resultTypes: ['violations'] })",
  );
  return result.violations.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')})`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  if (!existsSync(ARTIFACTS)) mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

export function experimentYaml(o: { name: string; proxyApi: string; proxy: string; storefrontUrl: string; latency: string; duration: string; guardLatencyBelow?: string; every?: string; breachAfter?: number }): string {
  return `apiVersion: faultline.dev/v1
kind: Experiment
metadata:
  name: ${o.name}
  labels: { team: shop }
spec:
  description: The storefront keeps answering while inventory is slower.
  duration: ${o.duration}
  targets:
    inventory-link:
      toxiproxy: { api: "${o.proxyApi}", proxy: ${o.proxy} }
  faults:
    - name: slow-inventory
      type: toxiproxy.latency
      target: inventory-link
      with: { latency: ${o.latency} }
  guards:
    - name: product-page-latency
      http: { url: "${o.storefrontUrl}/product/kb-001" }
      expect: { status: 200${o.guardLatencyBelow ? `, latencyBelow: ${o.guardLatencyBelow}` : ''} }
      every: ${o.every ?? '250ms'}
      breachAfter: ${o.breachAfter ?? 3}
      timeout: ${o.every ?? '250ms'}
  blastRadius:
    maxTargets: 1
  settle: 200ms
`;
}

export function expectNoProblems(problems: string[]): void {
  expect(problems).toEqual([]);
}

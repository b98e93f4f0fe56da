import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createRegistry, silentLogger, checkExpectation, type Probe } from '@faultline/core';
import { probesPlugin } from '@faultline/probes';
import { realPrometheusOrSkip, registerScrapeTarget, waitForQuery, waitForTargetUp, type ScrapeRegistration } from '@faultline/probes/test-support';
import { startInventory, type RunningInventory } from './inventory/inventory.js';
import { startStorefront } from './storefront/storefront.js';
import { startLoad } from './load/load.js';
import type { RunningService } from './shared/http-service.js';

// The demo shop scraped by a REAL Prometheus (scripts/prometheus-env.sh start) and observed through
// the prometheus probe, as in a game day. Skipped loudly when none runs locally; fails under CI=true.
const prom = await realPrometheusOrSkip('demo shop against a real Prometheus');
const suite = `demo-${randomBytes(3).toString('hex')}`;
const ctx = () => ({ signal: new AbortController().signal, log: silentLogger, timeoutMs: 5_000 });

describe.skipIf(!prom)('demo shop scraped by a real Prometheus', () => {
  let inventory: RunningInventory;
  let front: RunningService;
  const registrations: ScrapeRegistration[] = [];
  const probe = createRegistry([probesPlugin({ allowHosts: ['127.0.0.1'] })]).probes.get('prometheus') as Probe<any>;

  beforeAll(async () => {
    inventory = await startInventory();
    front = await startStorefront({ inventoryUrl: inventory.url, variant: 'fragile' });
    for (const s of [inventory, front]) {
      const r = await registerScrapeTarget(prom!, { target: `127.0.0.1:${s.port}`, labels: { suite } });
      registrations.push(r);
    }
    await Promise.all(registrations.map((r) => waitForTargetUp(prom!, r.target)));
  });

  afterAll(async () => {
    await Promise.all(registrations.map((r) => r.unregister()));
    await front?.close();
    await inventory?.close();
  });

  it('sees load as requests_total, and the fragile failure mode as 5xx', async () => {
    const healthy = startLoad({ url: `${front.url}/product/kb-001`, rps: 20, durationMs: 500 });
    const sent = (await healthy.done).sent;
    // The two services are scraped at different moments: wait until each one's scrape saw the load
    // (a `min(... by service)` alone passes as soon as the first service is scraped).
    await waitForQuery(prom!, `sum(requests_total{suite="${suite}",route="/items/:sku"})`, (v) => v >= sent);
    await waitForQuery(prom!, `sum(requests_total{suite="${suite}",route="/product/:sku"})`, (v) => v >= sent);

    const total = await probe.observe({ url: prom!.url, query: `sum(requests_total{suite="${suite}",route="/items/:sku"})` }, ctx());
    expect(total.value).toBe(sent);
    const byService = await probe.observe({ url: prom!.url, query: `sum by (service) (requests_total{suite="${suite}",route!="/metrics"})`, reduce: 'min' }, ctx());
    expect(byService.value).toBe(sent);

    inventory.setDelayMs(1_500);
    const slow = startLoad({ url: `${front.url}/product/kb-001`, rps: 5, durationMs: 400, timeoutMs: 3_000 });
    const failed = (await slow.done).byStatus['504'] ?? 0;
    expect(failed).toBeGreaterThan(0);
    await waitForQuery(prom!, `sum(request_errors_total{suite="${suite}",service="storefront"})`, (v) => v >= failed);
    await waitForQuery(prom!, `sum(upstream_timeouts_total{suite="${suite}"})`, (v) => v >= failed);
    const errors = await probe.observe({ url: prom!.url, query: `sum(request_errors_total{suite="${suite}",service="storefront",code="504"})` }, ctx());
    expect(errors.value).toBe(failed);
    expect(checkExpectation(errors, { below: 1 }).ok).toBe(false);
    const timeouts = await probe.observe({ url: prom!.url, query: `sum(upstream_timeouts_total{suite="${suite}"})` }, ctx());
    expect(timeouts.value).toBe(failed);
  });
});

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, replayJournal } from '@faultline/core';
import { Engine } from '@faultline/engine';
import { parseExperiment } from '@faultline/spec';
import { probesPlugin } from '@faultline/probes';
import { realPrometheusOrSkip, registerScrapeTarget, waitForQuery, waitForTargetUp, type ScrapeRegistration } from '@faultline/probes/test-support';
import { toxiproxyPlugin } from '@faultline/faults-toxiproxy';
import { startProxyServer, type ProxyServer } from '@faultline/proxy';
import { startInventory, startLoad, startStorefront } from '@faultline/demo-shop';
import { MemoryJournal } from '@faultline/testing';

// Issue 6's end-to-end: a REAL Prometheus scrapes the demo shop; a Prometheus guard breaches under an
// injected latency fault; the run aborts, the toxic is gone and the journal's timings are consistent.
const prom = await realPrometheusOrSkip('Prometheus guard end to end');
const suite = `guard-${randomBytes(3).toString('hex')}`;

describe.skipIf(!prom)('a Prometheus guard aborts a run against the demo shop', () => {
  let proxy: ProxyServer;
  const closers: Array<() => Promise<unknown>> = [];
  let storefrontUrl = '';
  let registration: ScrapeRegistration;

  beforeAll(async () => {
    proxy = await startProxyServer({ host: '127.0.0.1', port: 0 });
    const inventory = await startInventory();
    closers.push(() => inventory.close());
    const created = (await (await fetch(`${proxy.url}/proxies`, { method: 'POST', body: JSON.stringify({ name: 'inventory', listen: '127.0.0.1:0', upstream: `127.0.0.1:${inventory.port}` }) })).json()) as { listen: string };
    const front = await startStorefront({ inventoryUrl: `http://${created.listen}`, variant: 'fragile' });
    closers.push(() => front.close());
    storefrontUrl = front.url;
    const load = startLoad({ url: `${front.url}/product/kb-001`, rps: 10, durationMs: 120_000, timeoutMs: 3000 });
    closers.push(() => load.stop());
    registration = await registerScrapeTarget(prom!, { target: `127.0.0.1:${front.port}`, labels: { suite } });
    await waitForTargetUp(prom!, registration.target);
    await waitForQuery(prom!, `sum(requests_total{suite="${suite}",service="storefront"})`, (v) => v > 0);
  });

  afterAll(async () => {
    await registration?.unregister();
    for (const c of closers.reverse()) await c();
    await proxy?.close();
  });

  it('breaches, aborts, reverts, and journals consistent timings', async () => {
    const registry = createRegistry([toxiproxyPlugin(), probesPlugin()]);
    const experiment = parseExperiment(`apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: prometheus-guard-e2e }
spec:
  duration: 2m
  targets:
    inventory: { toxiproxy: { api: "${proxy.url}", proxy: inventory } }
  steadyState:
    - name: storefront-serving
      prometheus: { url: "${prom!.url}", query: 'sum(requests_total{suite="${suite}",service="storefront"})' }
      expect: { above: 0 }
  faults:
    - { name: slow-inventory, type: toxiproxy.latency, target: inventory, with: { latency: 1500ms } }
  guards:
    - name: storefront-errors
      prometheus: { url: "${prom!.url}", query: 'sum(request_errors_total{suite="${suite}",service="storefront"}) or vector(0)' }
      expect: { below: 1 }
      every: 500ms
      breachAfter: 2
`, { file: 'prometheus-guard.yaml', registry });
    const journal = new MemoryJournal();
    const run = new Engine({ registry, journal }).start(experiment);
    const result = await run.done;

    expect(result.outcome).toBe('aborted');
    expect(result.reason).toMatch(/guard "storefront-errors" breached after 2 consecutive failures/);
    const toxics = (await (await fetch(`${proxy.url}/proxies/inventory/toxics`)).json()) as unknown[];
    expect(toxics).toEqual([]);

    const events = journal.events(run.runId);
    expect(replayJournal(events).records.every((r) => r.phase === 'reverted')).toBe(true);
    const at = (type: string) => Date.parse(events.find((e) => e.type === type)!.at);
    const injected = at('fault-injected');
    const breach = at('guard-breach');
    const abort = at('abort');
    const reverted = at('fault-reverted');
    expect(injected).toBeLessThan(breach);
    expect(breach).toBeLessThanOrEqual(abort);
    expect(abort).toBeLessThanOrEqual(reverted);
    const t = result.timings;
    expect(Date.parse(t.breachAt!)).toBeGreaterThan(injected);
    expect(t.breachToRevertedMs).toBe(Date.parse(t.allRevertedAt!) - Date.parse(t.breachAt!));
    expect(t.breachToRevertedMs!).toBeLessThan(5000);
    // the guard's own failing observations precede the breach
    const failing = events.filter((e) => e.type === 'probe' && e.phase === 'guard' && !e.result.ok);
    expect(failing.length).toBeGreaterThanOrEqual(2);
    expect(Date.parse(failing[0]!.at)).toBeLessThanOrEqual(breach);
    expect(storefrontUrl).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });
});

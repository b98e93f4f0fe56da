import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ProbeError } from '@faultline/core';
import { createPrometheusProbe } from './prometheus-probe.js';
import { startHttpServer, type TestHttpServer } from '../test-support/http-server.js';
import { testContext } from '../test-support/context.js';
import {
  realPrometheusOrSkip, registerScrapeTarget, waitForQuery, waitForTargetUp, type ScrapeRegistration,
} from '../test-support/prometheus.js';

// Against a REAL Prometheus (scripts/prometheus-env.sh start). Skipped loudly when none runs
// locally; fails under CI=true. The exporter is a fixed text page so every expected value is exact.
const prom = await realPrometheusOrSkip('prometheus probe against a real Prometheus');
const suite = `probes-real-${randomBytes(3).toString('hex')}`;
const sel = `suite="${suite}"`;

describe.skipIf(!prom)('prometheus probe against a real Prometheus', () => {
  let exporter: TestHttpServer;
  let registration: ScrapeRegistration;
  const probe = createPrometheusProbe();
  const url = prom?.url ?? '';

  beforeAll(async () => {
    exporter = await startHttpServer((_req, res) => {
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.end(
        [
          '# HELP requests_total Requests served.',
          '# TYPE requests_total counter',
          'requests_total{service="inventory",route="/items/:sku",code="200"} 40',
          'requests_total{service="inventory",route="/health",code="200"} 2',
          '# TYPE queue_depth gauge',
          'queue_depth NaN',
          '',
        ].join('\n'),
      );
    });
    registration = await registerScrapeTarget(prom!, { target: `127.0.0.1:${exporter.port}`, labels: { suite } });
    await waitForTargetUp(prom!, registration.target);
    await waitForQuery(prom!, `sum(requests_total{${sel}})`, (v) => v === 42);
  });

  afterAll(async () => {
    await registration?.unregister();
    await exporter?.close();
  });

  it('observes sum(requests_total) as one value', async () => {
    const obs = await probe.observe({ url, query: `sum(requests_total{${sel}})` }, testContext());
    expect(obs.value).toBe(42);
    expect(obs.detail).toMatch(/^vector of 1 series \{\} = 42 in \d+ms$/);
  });

  it('reduces several series and refuses them without reduce', async () => {
    const q = `requests_total{${sel}}`;
    expect((await probe.observe({ url, query: q, reduce: 'max' }, testContext())).value).toBe(40);
    expect((await probe.observe({ url, query: q, reduce: 'min' }, testContext())).value).toBe(2);
    expect((await probe.observe({ url, query: q, reduce: 'avg' }, testContext())).value).toBe(21);
    expect((await probe.observe({ url, query: q, reduce: 'count' }, testContext())).value).toBe(2);
    await expect(probe.observe({ url, query: q }, testContext())).rejects.toThrow(/returned 2 series .* and no reduce was given/);
  });

  it('reads scalars and refuses NaN', async () => {
    expect((await probe.observe({ url, query: `scalar(sum(requests_total{${sel}})) / 4` }, testContext())).value).toBe(10.5);
    await expect(probe.observe({ url, query: `queue_depth{${sel}}` }, testContext())).rejects.toThrow(/returned NaN/);
  });

  it('cannot evaluate no series, range vectors or bad PromQL, and says why', async () => {
    await expect(probe.observe({ url, query: `sum(no_such_metric_total{${sel}})` }, testContext())).rejects.toThrow(
      `prometheus query returned no series: sum(no_such_metric_total{${sel}})`,
    );
    await expect(probe.observe({ url, query: `requests_total{${sel}}[1m]` }, testContext())).rejects.toThrow(/range vector/);
    const err = (await probe.observe({ url, query: 'sum(requests_total' }, testContext()).catch((e: unknown) => e)) as ProbeError;
    expect(err).toBeInstanceOf(ProbeError);
    expect(err.message).toMatch(/rejected query "sum\(requests_total" \(HTTP 400\): bad_data: .*parse error/);
  });
});

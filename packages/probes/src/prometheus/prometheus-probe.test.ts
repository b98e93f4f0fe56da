import { afterEach, describe, expect, it } from 'vitest';
import { ProbeError, checkExpectation } from '@faultline/core';
import { createPrometheusProbe } from './prometheus-probe.js';
import { answers, startFakePrometheus, type FakeAnswer, type FakePrometheus } from '../test-support/fake-prometheus.js';
import { testContext } from '../test-support/context.js';

let prom: FakePrometheus | undefined;
afterEach(async () => {
  await prom?.close();
  prom = undefined;
});

const probe = createPrometheusProbe();
const fake = async (answer: (q: string, form: Record<string, string>) => FakeAnswer) => (prom = await startFakePrometheus(answer));

describe('prometheus probe', () => {
  it('observes a scalar and sends the query as a form with a server-side timeout', async () => {
    const p = await fake(() => answers.scalar('0.004'));
    const obs = await probe.observe({ url: p.url, query: 'sum(rate(errors_total[1m]))', time: 1_700_000_000 }, testContext({ timeoutMs: 2_000 }));
    expect(obs.value).toBe(0.004);
    expect(obs.latencyMs).toBeGreaterThan(0);
    expect(obs.detail).toMatch(/^scalar 0\.004 in \d+ms$/);
    expect(p.queries).toEqual([{ query: 'sum(rate(errors_total[1m]))', timeout: '2000ms', time: '1700000000' }]);
    expect(p.requests[0]).toMatchObject({ method: 'POST', url: '/api/v1/query' });
    expect(checkExpectation(obs, { below: 0.01 }).ok).toBe(true);
  });

  it('keeps a path prefix and accepts a full /api/v1/query URL', async () => {
    const p = await fake(() => answers.scalar('1'));
    await probe.observe({ url: `${p.url}/prometheus/`, query: 'up' }, testContext());
    await probe.observe({ url: `${p.url}/prom/api/v1/query`, query: 'up' }, testContext());
    expect(p.requests.map((r) => r.url)).toEqual(['/prometheus/api/v1/query', '/prom/api/v1/query']);
  });

  it('reduces a vector and refuses several series without reduce', async () => {
    const p = await fake(() => answers.vector([{ pod: 'a' }, '0.2'], [{ pod: 'b' }, '0.7']));
    const obs = await probe.observe({ url: p.url, query: 'latency', reduce: 'max' }, testContext());
    expect(obs.value).toBe(0.7);
    expect(obs.detail).toMatch(/^vector of 2 series reduced by max = 0\.7 in \d+ms$/);
    await expect(probe.observe({ url: p.url, query: 'latency' }, testContext())).rejects.toThrow(
      'prometheus query "latency" returned 2 series ({pod="a"}, {pod="b"}) and no reduce was given',
    );
  });

  it('cannot evaluate an empty vector and names the query', async () => {
    const p = await fake(() => answers.vector());
    const err = (await probe.observe({ url: p.url, query: 'sum(nope_total)' }, testContext()).catch((e: unknown) => e)) as ProbeError;
    expect(err).toBeInstanceOf(ProbeError);
    expect(err.message).toBe('prometheus query returned no series: sum(nope_total)');
    expect(err.hint).toMatch(/or vector\(0\)/);
  });

  it('surfaces Prometheus error bodies with errorType and error', async () => {
    const p = await fake((q) =>
      q === 'sum(' ? answers.error(400, 'bad_data', '1:5: parse error: unclosed left parenthesis') : answers.error(503, 'unavailable', 'TSDB not ready'),
    );
    const bad = (await probe.observe({ url: p.url, query: 'sum(' }, testContext()).catch((e: unknown) => e)) as ProbeError;
    expect(bad.message).toBe(`prometheus at ${p.url} rejected query "sum(" (HTTP 400): bad_data: 1:5: parse error: unclosed left parenthesis`);
    expect(bad.retryable).toBe(false);
    const down = (await probe.observe({ url: p.url, query: 'up' }, testContext()).catch((e: unknown) => e)) as ProbeError;
    expect(down.message).toMatch(/\(HTTP 503\): unavailable: TSDB not ready/);
    expect(down.retryable).toBe(true);
  });

  it('explains answers that are not from a Prometheus API', async () => {
    const p = await fake(() => ({ status: 200, body: '<html>Grafana</html>' }));
    await expect(probe.observe({ url: p.url, query: 'up' }, testContext())).rejects.toThrow(/not a Prometheus API response \(HTTP 200, text\/plain\)/);
  });

  it('explains 401 with a hint and never prints credentials', async () => {
    const p = await fake(() => ({ status: 401, body: 'Unauthorized' }));
    for (const auth of [{ bearerToken: 'tok-s3cret' }, { basicAuth: { username: 'grafana', password: 'pw-s3cret' } }]) {
      const err = (await probe.observe({ url: p.url.replace('http://', 'http://u:urlpass@'), query: 'up', ...auth }, testContext()).catch((e: unknown) => e)) as ProbeError;
      expect(err.message).toMatch(/answered HTTP 401 for query "up": "Unauthorized"/);
      expect(err.hint).toMatch(/bearerToken or basicAuth/);
      expect(`${err.message} ${err.hint}`).not.toMatch(/s3cret|urlpass|grafana/);
    }
    expect(p.requests[0]?.headers.authorization).toBe('Bearer tok-s3cret');
    expect(p.requests[1]?.headers.authorization).toBe(`Basic ${Buffer.from('grafana:pw-s3cret').toString('base64')}`);
  });

  it('refuses bearerToken and basicAuth together', async () => {
    await expect(
      probe.observe({ url: 'http://127.0.0.1:9', query: 'up', bearerToken: 'a', basicAuth: { username: 'b', password: 'c' } }, testContext()),
    ).rejects.toThrow(/either bearerToken or basicAuth, not both/);
  });

  it('times out as a ProbeError naming the query', async () => {
    const p = await fake(() => ({ ...answers.scalar('1'), delayMs: 10_000 }));
    await expect(probe.observe({ url: p.url, query: 'slow_query', timeout: '200ms' }, testContext())).rejects.toThrow(
      `prometheus query "slow_query" at ${p.url} did not answer within 200ms`,
    );
    expect(p.queries[0]?.['timeout']).toBe('200ms');
  });

  it('honours allowHosts', async () => {
    const restricted = createPrometheusProbe({ allowHosts: ['prometheus.monitoring.svc'] });
    await expect(restricted.observe({ url: 'http://127.0.0.1:9090', query: 'up' }, testContext())).rejects.toThrow(
      /prometheus probe may not connect to host "127.0.0.1": it is not in the probes allowHosts setting/,
    );
  });

  it('reports an unreachable Prometheus as a retryable ProbeError', async () => {
    const p = await fake(() => answers.scalar('1'));
    const url = p.url;
    await p.close();
    prom = undefined;
    const err = (await probe.observe({ url, query: 'up' }, testContext()).catch((e: unknown) => e)) as ProbeError;
    expect(err.message).toBe(`prometheus query "up" at ${url} failed: connection refused (ECONNREFUSED)`);
    expect(err.retryable).toBe(true);
  });
});

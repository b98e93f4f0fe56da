import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError, TimeoutError } from '@faultline/core';
import { callContext, configMap, faultContext, pod, startHarness, type KubeHarness } from '../test-support/stand-in.js';
import { loadKubeConfig } from './kube-config.js';
import { KubeRequestError } from './errors.js';
import { Limiter } from './limiter.js';

describe('Kubernetes client behaviour', () => {
  let h: KubeHarness;
  afterEach(async () => h?.close());

  it('retries 429 (honouring Retry-After) and 500 with backoff, then succeeds', async () => {
    h = await startHarness();
    h.kube.seed([configMap('shop', 'flags', { a: '1' })]);
    h.kube.failNext({ kind: 'status', status: 429, count: 1, retryAfterSeconds: 0, match: { resource: 'configmaps' } });
    h.kube.failNext({ kind: 'status', status: 500, count: 2, match: { resource: 'configmaps' } });
    const targets = await h.resolve({ kind: 'ConfigMap', namespace: 'shop' });
    expect(targets.map((t) => t.name)).toEqual(['shop/flags']);
    const statuses = h.kube.requests.filter((r) => r.resource === 'configmaps').map((r) => r.status);
    expect(statuses).toEqual([429, 500, 500, 200]);
  });

  it('gives up after the attempt budget with a retryable ProviderError naming the request', async () => {
    h = await startHarness();
    h.kube.seed([configMap('shop', 'flags', { a: '1' })]);
    h.kube.failNext({ kind: 'status', status: 503, count: 10, match: { resource: 'configmaps' } });
    const err = await h.resolve({ kind: 'ConfigMap', namespace: 'shop' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeRequestError);
    expect((err as KubeRequestError).retryable).toBe(true);
    expect((err as Error).message).toMatch(/list configmaps in namespace shop failed with 503/);
    expect(h.kube.requests.filter((r) => r.resource === 'configmaps')).toHaveLength(4);
  });

  it('times out a hanging request and retries it', async () => {
    h = await startHarness({ timeoutMs: 300 });
    h.kube.seed([configMap('shop', 'flags', { a: '1' })]);
    h.kube.failNext({ kind: 'hang', count: 1, match: { resource: 'configmaps' } });
    const started = Date.now();
    const targets = await h.resolve({ kind: 'ConfigMap', namespace: 'shop' });
    expect(targets).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('a request that keeps hanging ends in TimeoutError within the budget', async () => {
    h = await startHarness({ timeoutMs: 150 });
    h.kube.seed([configMap('shop', 'flags', { a: '1' })]);
    h.kube.failNext({ kind: 'hang', count: 10, match: { resource: 'configmaps' } });
    const started = Date.now();
    await expect(h.resolve({ kind: 'ConfigMap', namespace: 'shop' })).rejects.toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('reports 403 with the missing verb, resource, namespace and the RBAC file to apply, without retrying', async () => {
    h = await startHarness();
    h.kube.seed([configMap('shop', 'flags', { checkout: 'on' })]);
    const [t] = await h.resolve({ kind: 'ConfigMap', namespace: 'shop', name: 'flags' });
    h.kube.forbid({ verb: 'patch', resource: 'configmaps' });
    const err = await h.fault('kubernetes.config-flip').inject(t!, { data: { checkout: 'off' } }, faultContext()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).retryable).toBe(false);
    expect((err as Error).message).toMatch(/^forbidden: needs `patch` on `configmaps` in namespace shop; apply deploy\/kubernetes\/rbac\/config-flip\.yaml/);
    expect(h.kube.requests.filter((r) => r.verb === 'patch')).toHaveLength(1);
  });

  it('blames the resolver manifest when namespaces cannot be read', async () => {
    h = await startHarness();
    h.kube.forbid({ resource: 'namespaces' });
    await expect(h.resolve({ kind: 'Pod', namespace: 'shop' })).rejects.toThrow(/needs `get` on `namespaces` at cluster scope; apply deploy\/kubernetes\/rbac\/resolver\.yaml/);
  });

  it('stops at once when the signal aborts, without sending', async () => {
    h = await startHarness();
    h.kube.seed([pod('shop', 'p')]);
    const ctl = new AbortController();
    ctl.abort(new Error('guard tripped'));
    const resolver = h.plugin.resolvers![0]!;
    await expect(resolver.resolve({ kind: 'Pod', namespace: 'shop' }, callContext({ signal: ctl.signal }))).rejects.toThrow(/aborted/);
    expect(h.kube.requests).toHaveLength(0);
  });

  it('keeps at most maxConcurrency requests in flight', async () => {
    h = await startHarness({ maxConcurrency: 3 });
    h.kube.seed(Array.from({ length: 30 }, (_, i) => pod('shop', `p-${i}`)));
    const targets = await h.resolve({ kind: 'Pod', namespace: 'shop' });
    await Promise.all(targets.map((t) => h.fault('kubernetes.pod-kill').inject(t, { gracePeriod: '0s' }, faultContext())));
    expect(h.plugin.api().stats.maxInFlight).toBe(3);
    expect(h.kube.list('v1', 'Pod', 'shop')).toEqual([]);
  });
});

describe('kubeconfig loading', () => {
  it('names a missing context and the ones that exist', async () => {
    const h = await startHarness();
    try {
      expect(() => loadKubeConfig({ kubeconfigPath: h.kube.kubeconfigPath, context: 'prod' })).toThrow(/context "prod" does not exist in .*; available: stand-in/);
      expect(loadKubeConfig({ kubeconfigPath: h.kube.kubeconfigPath, context: 'stand-in' }).source).toBe(h.kube.kubeconfigPath);
    } finally {
      await h.close();
    }
  });

  it('falls back to $KUBECONFIG, then reports when nothing is configured', async () => {
    const h = await startHarness();
    const saved = { KUBECONFIG: process.env['KUBECONFIG'], HOME: process.env['HOME'] };
    try {
      process.env['KUBECONFIG'] = h.kube.kubeconfigPath;
      expect(loadKubeConfig().source).toContain(h.kube.kubeconfigPath);
      delete process.env['KUBECONFIG'];
      process.env['HOME'] = '/nonexistent-faultline-home';
      expect(() => loadKubeConfig({ env: {} })).toThrow(/no Kubernetes configuration found/);
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
      await h.close();
    }
  });
});

describe('Limiter', () => {
  it('runs queued work in order and never exceeds the limit', async () => {
    const l = new Limiter(2);
    const order: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const runs = [1, 2, 3, 4].map((n) => l.run(async () => { order.push(n); await gate; }));
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([1, 2]);
    release();
    await Promise.all(runs);
    expect(order).toEqual([1, 2, 3, 4]);
    expect(l.stats).toEqual({ calls: 4, inFlight: 0, maxInFlight: 2 });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { callContext, configMap, deployment, faultContext, startHarness, type KubeHarness } from '../test-support/stand-in.js';
import { tlsSecret } from '../test-support/tls.js';

describe('kubernetes orphan sweeper', () => {
  let h: KubeHarness;
  afterEach(async () => h?.close());

  it('finds every artefact a crashed run left, with run ids, and removes them through the faults\' reverts', async () => {
    h = await startHarness();
    h.kube.seed([
      configMap('shop', 'flags', { checkout: 'on' }),
      deployment('shop', 'checkout', { replicas: 3 }),
      await tlsSecret('shop', 'shop-tls', ['shop.example.com']),
      configMap('other', 'untouched', { a: '1' }),
    ]);
    const original = structuredClone(h.kube.get('v1', 'Secret', 'shop', 'shop-tls')!['data']);
    const crashed = faultContext({ faultName: 'chaos' });
    const [cm] = await h.resolve({ kind: 'ConfigMap', namespace: 'shop', name: 'flags' });
    const [dep] = await h.resolve({ kind: 'Deployment', namespace: 'shop', name: 'checkout' });
    const [sec] = await h.resolve({ kind: 'Secret', namespace: 'shop', name: 'shop-tls' });
    await h.fault('kubernetes.config-flip').inject(cm!, { data: { checkout: 'off' } }, crashed);
    await h.fault('kubernetes.scale').inject(dep!, { replicas: 0 }, crashed);
    await h.fault('kubernetes.cert-expiry').inject(sec!, { variant: 'expired' }, crashed);
    await h.fault('kubernetes.network-partition').inject(dep!, {}, crashed);

    const sweeper = h.plugin.sweepers![0]!;
    const orphans = await sweeper.find([cm!], callContext());
    expect(orphans.map((o) => o.description).sort()).toEqual([
      `NetworkPolicy shop/${h.kube.list('networking.k8s.io/v1', 'NetworkPolicy', 'shop')[0]!.metadata.name} (run ${crashed.runId}, fault chaos)`,
      `backup Secret shop/faultline-backup-${crashed.runId}-chaos-shop-tls of shop-tls (run ${crashed.runId}, fault chaos)`,
      `kubernetes.config-flip on ConfigMap shop/flags (run ${crashed.runId}, fault chaos)`,
      `kubernetes.scale on Deployment shop/checkout (run ${crashed.runId}, fault chaos)`,
    ].sort());
    expect(orphans.every((o) => o.runId === crashed.runId && o.faultName === 'chaos' && o.kind === 'kubernetes')).toBe(true);

    for (const o of orphans) await o.remove(callContext());
    expect(await sweeper.find([cm!], callContext())).toEqual([]);
    expect((h.kube.get('v1', 'ConfigMap', 'shop', 'flags')!['data'] as Record<string, string>)['checkout']).toBe('on');
    expect((h.kube.get('apps/v1', 'Deployment', 'shop', 'checkout')!['spec'] as { replicas: number }).replicas).toBe(3);
    expect(h.kube.get('v1', 'Secret', 'shop', 'shop-tls')!['data']).toEqual(original);
    expect(h.kube.list('v1', 'Secret', 'shop')).toHaveLength(1);
    expect(h.kube.list('networking.k8s.io/v1', 'NetworkPolicy', 'shop')).toEqual([]);
  });

  it('only looks in the namespaces of the given targets', async () => {
    h = await startHarness();
    h.kube.seed([configMap('shop', 'flags', { a: '1' }), configMap('other', 'x', { a: '1' })]);
    const [cm] = await h.resolve({ kind: 'ConfigMap', namespace: 'shop', name: 'flags' });
    await h.fault('kubernetes.config-flip').inject(cm!, { data: { a: '2' } }, faultContext());
    const [other] = await h.resolve({ kind: 'ConfigMap', namespace: 'other', name: 'x' });
    expect(await h.plugin.sweepers![0]!.find([other!], callContext())).toEqual([]);
    expect(await h.plugin.sweepers![0]!.find([cm!, other!], callContext())).toHaveLength(1);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '@faultline/core';
import { testFaultProviderContract } from '@faultline/testing';
import { contractCases } from '../test-support/contract-cases.js';
import { deployment, faultContext, startHarness, statefulSet, waitReady, type KubeHarness } from '../test-support/stand-in.js';

const c = contractCases()['kubernetes.scale'];
if (c) testFaultProviderContract(c.type, c.options);

const replicasOf = (h: KubeHarness, kind = 'Deployment', name = 'checkout') =>
  (h.kube.get('apps/v1', kind, 'shop', name)?.['spec'] as { replicas: number }).replicas;

describe('kubernetes.scale', () => {
  let h: KubeHarness;
  afterEach(async () => h?.close());

  it('scales down, keeps the original on the object, and restores it from a fresh process without undo', async () => {
    h = await startHarness();
    h.kube.seed([deployment('shop', 'checkout', { replicas: 3 })]);
    await waitReady(h.kube, 'shop', 'checkout', 3);
    const [t] = await h.resolve({ kind: 'Deployment', namespace: 'shop', name: 'checkout' });
    const ctx = faultContext();
    const undo = await h.fault('kubernetes.scale').inject(t!, { replicas: 1 }, ctx);
    expect(undo).toMatchObject({ originalReplicas: 3, replicas: 1, runId: ctx.runId });
    const meta = h.kube.get('apps/v1', 'Deployment', 'shop', 'checkout')!.metadata;
    expect(meta.annotations?.['faultline.dev/original-replicas']).toBe('3');
    expect(meta.labels?.['faultline.dev/run']).toBe(ctx.runId);
    await waitReady(h.kube, 'shop', 'checkout', 1);
    await h.freshFault('kubernetes.scale').revert(t!, undefined, { ...faultContext(), runId: ctx.runId, faultName: ctx.faultName });
    expect(replicasOf(h)).toBe(3);
    const after = h.kube.get('apps/v1', 'Deployment', 'shop', 'checkout')!.metadata;
    expect(after.annotations?.['faultline.dev/original-replicas']).toBeUndefined();
    expect(after.annotations?.['faultline.dev/scale']).toBeUndefined();
    expect(after.labels?.['faultline.dev/run']).toBeUndefined();
    expect(after.labels?.['app']).toBe('checkout');
    await waitReady(h.kube, 'shop', 'checkout', 3);
  });

  it('works on StatefulSets', async () => {
    h = await startHarness();
    h.kube.seed([statefulSet('shop', 'db', 3)]);
    await waitReady(h.kube, 'shop', 'db', 3, 'StatefulSet');
    const [t] = await h.resolve({ kind: 'StatefulSet', namespace: 'shop', name: 'db' });
    const ctx = faultContext();
    await h.fault('kubernetes.scale').inject(t!, { replicas: 1 }, ctx);
    await h.kube.waitFor('db-1 and db-2 gone', () => h.kube.list('v1', 'Pod', 'shop').length === 1);
    await h.fault('kubernetes.scale').revert(t!, undefined, ctx);
    await waitReady(h.kube, 'shop', 'db', 3, 'StatefulSet');
  });

  it('re-reads and retries when someone else writes between our read and our write (409)', async () => {
    h = await startHarness();
    h.kube.seed([deployment('shop', 'checkout', { replicas: 3 })]);
    const [t] = await h.resolve({ kind: 'Deployment', namespace: 'shop', name: 'checkout' });
    h.kube.beforeNext({ verb: 'patch', resource: 'deployments' }, () =>
      h.kube.modify('apps/v1', 'Deployment', 'shop', 'checkout', (d) => { d.metadata.labels = { ...d.metadata.labels, team: 'payments' }; }));
    await h.fault('kubernetes.scale').inject(t!, { replicas: 0 }, faultContext());
    const patches = h.kube.requests.filter((r) => r.verb === 'patch');
    expect(patches.map((p) => p.status)).toEqual([409, 200]);
    const d = h.kube.get('apps/v1', 'Deployment', 'shop', 'checkout')!;
    expect(d.metadata.labels?.['team']).toBe('payments');
    expect(replicasOf(h)).toBe(0);
  });

  it('leaves replicas someone changed during the fault and says so', async () => {
    h = await startHarness();
    h.kube.seed([deployment('shop', 'checkout', { replicas: 3 })]);
    const [t] = await h.resolve({ kind: 'Deployment', namespace: 'shop', name: 'checkout' });
    const ctx = faultContext();
    await h.fault('kubernetes.scale').inject(t!, { replicas: 0 }, ctx);
    h.kube.modify('apps/v1', 'Deployment', 'shop', 'checkout', (d) => { (d['spec'] as { replicas: number }).replicas = 5; });
    const err = await h.fault('kubernetes.scale').revert(t!, undefined, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).retryable).toBe(false);
    expect((err as Error).message).toMatch(/replicas are now 5, neither the 0 Faultline set nor the original 3/);
    expect(replicasOf(h)).toBe(5);
  });

  it('refuses to stack on an object another run holds', async () => {
    h = await startHarness();
    h.kube.seed([deployment('shop', 'checkout', { replicas: 3 })]);
    const [t] = await h.resolve({ kind: 'Deployment', namespace: 'shop', name: 'checkout' });
    await h.fault('kubernetes.scale').inject(t!, { replicas: 0 }, faultContext());
    await expect(h.fault('kubernetes.scale').inject(t!, { replicas: 1 }, faultContext())).rejects.toThrow(/already under fault/);
    expect(replicasOf(h)).toBe(0);
  });
});

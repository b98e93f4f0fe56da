import { afterEach, describe, expect, it } from 'vitest';
import { testFaultProviderContract } from '@faultline/testing';
import { contractCases } from '../test-support/contract-cases.js';
import { deployment, faultContext, pod, startHarness, type KubeHarness } from '../test-support/stand-in.js';
import { partitionLabel, policyName } from './network-partition.js';

const c = contractCases()['kubernetes.network-partition'];
if (c) testFaultProviderContract(c.type, c.options);

describe('kubernetes.network-partition', () => {
  let h: KubeHarness;
  afterEach(async () => h?.close());

  it('isolates exactly the selected pod through a partition label, and removes both on revert', async () => {
    h = await startHarness();
    h.kube.seed([pod('shop', 'api-1', { app: 'api' }), pod('shop', 'api-2', { app: 'api' })]);
    const [t] = await h.resolve({ kind: 'Pod', namespace: 'shop', name: 'api-1' });
    const ctx = faultContext();
    const undo = await h.fault('kubernetes.network-partition').inject(t!, { direction: 'ingress', allow: [{ podSelector: { app: 'prometheus' } }] }, ctx);
    const name = policyName(ctx.runId, ctx.faultName, t!.id);
    expect(name.startsWith(`faultline-${ctx.runId}-${ctx.faultName}-`)).toBe(true);
    expect(undo).toEqual({ namespace: 'shop', policy: name, podLabel: partitionLabel(name) });
    const policy = h.kube.get('networking.k8s.io/v1', 'NetworkPolicy', 'shop', name)!;
    expect(policy.metadata.labels?.['faultline.dev/run']).toBe(ctx.runId);
    expect(policy['spec']).toEqual({
      podSelector: { matchLabels: { [partitionLabel(name)]: 'true' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'prometheus' } } }] }],
    });
    expect(h.kube.get('v1', 'Pod', 'shop', 'api-1')?.metadata.labels?.[partitionLabel(name)]).toBe('true');
    expect(h.kube.get('v1', 'Pod', 'shop', 'api-2')?.metadata.labels?.[partitionLabel(name)]).toBeUndefined();
    await h.freshFault('kubernetes.network-partition').revert(t!, undefined, { ...faultContext(), runId: ctx.runId, faultName: ctx.faultName });
    expect(h.kube.list('networking.k8s.io/v1', 'NetworkPolicy', 'shop')).toEqual([]);
    expect(h.kube.get('v1', 'Pod', 'shop', 'api-1')?.metadata.labels).toEqual({ app: 'api' });
  });

  it('selects a Deployment\'s pods by its own selector and denies both directions by default', async () => {
    h = await startHarness();
    h.kube.seed([deployment('shop', 'checkout', { replicas: 2 })]);
    const [t] = await h.resolve({ kind: 'Deployment', namespace: 'shop', name: 'checkout' });
    const ctx = faultContext();
    await h.fault('kubernetes.network-partition').inject(t!, {}, ctx);
    const [policy] = h.kube.list('networking.k8s.io/v1', 'NetworkPolicy', 'shop');
    expect(policy?.['spec']).toEqual({ podSelector: { matchLabels: { app: 'checkout' } }, policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [] });
    await h.fault('kubernetes.network-partition').revert(t!, undefined, ctx);
    expect(h.kube.list('networking.k8s.io/v1', 'NetworkPolicy', 'shop')).toEqual([]);
  });
});

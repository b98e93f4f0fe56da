import { afterEach, describe, expect, it } from 'vitest';
import { selectTargets, seededRandom } from '@faultline/core';
import { testFaultProviderContract } from '@faultline/testing';
import { contractCases } from '../test-support/contract-cases.js';
import { deployment, faultContext, pod, startHarness, waitReady, type KubeHarness } from '../test-support/stand-in.js';

const c = contractCases()['kubernetes.pod-kill'];
if (c) testFaultProviderContract(c.type, c.options);

describe('kubernetes.pod-kill', () => {
  let h: KubeHarness;
  afterEach(async () => h?.close());

  it('kills the pods a selection mode picks and the Deployment replaces them', async () => {
    h = await startHarness();
    h.kube.seed([deployment('shop', 'checkout', { replicas: 10 })]);
    await waitReady(h.kube, 'shop', 'checkout', 10);
    const candidates = await h.resolve({ kind: 'Pod', namespace: 'shop', selector: 'app=checkout' });
    expect(candidates).toHaveLength(10);
    const picked = selectTargets(candidates, { type: 'fixed-percent', value: 30 }, seededRandom(7));
    expect(picked).toHaveLength(3);
    const fault = h.fault('kubernetes.pod-kill');
    const ctx = faultContext();
    const undos = await Promise.all(picked.map((t) => fault.inject(t, { gracePeriod: '0s' }, ctx)));
    expect(undos.map((u) => (u as { pod: string }).pod).sort()).toEqual(picked.map((t) => t.name.split('/')[1]).sort());
    const names = new Set(picked.map((t) => t.name.split('/')[1]));
    await h.kube.waitFor('replacements', () => {
      const pods = h.kube.list('v1', 'Pod', 'shop').filter((p) => !p.metadata.deletionTimestamp);
      return pods.length === 10 && pods.every((p) => !names.has(p.metadata.name as string));
    });
    await waitReady(h.kube, 'shop', 'checkout', 10);
  });

  it('uses the pod\'s own grace period by default: the pod terminates, then disappears', async () => {
    h = await startHarness();
    h.kube.seed([pod('shop', 'slow')]);
    const [t] = await h.resolve({ kind: 'Pod', namespace: 'shop', name: 'slow' });
    await h.fault('kubernetes.pod-kill').inject(t!, {}, faultContext());
    const terminating = h.kube.get('v1', 'Pod', 'shop', 'slow');
    expect(terminating?.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(terminating?.metadata.deletionTimestamp).toBeDefined();
    await h.kube.waitFor('pod removed after its grace period', () => h.kube.get('v1', 'Pod', 'shop', 'slow') === undefined);
    const del = h.kube.requests.find((r) => r.verb === 'delete');
    expect(del?.userAgent).toContain('kubernetes.pod-kill');
  });

  it('never kills a replacement pod that took the same name (uid precondition)', async () => {
    h = await startHarness();
    h.kube.seed([pod('shop', 'db-0')]);
    const [t] = await h.resolve({ kind: 'Pod', namespace: 'shop', name: 'db-0' });
    h.kube.remove('v1', 'Pod', 'shop', 'db-0');
    h.kube.seed([pod('shop', 'db-0')]);
    await h.fault('kubernetes.pod-kill').inject(t!, { gracePeriod: '0s' }, faultContext());
    expect(h.kube.get('v1', 'Pod', 'shop', 'db-0')).toBeDefined();
  });

  it('refuses kube-system unless allowed', async () => {
    h = await startHarness();
    h.kube.seed([pod('kube-system', 'coredns-1')]);
    await expect(h.resolve({ kind: 'Pod', namespace: 'kube-system' })).rejects.toThrow(/refuses to touch namespace kube-system/);
    const target = { id: 'k8s:pod/kube-system/coredns-1', kind: 'kubernetes', name: 'kube-system/coredns-1', namespace: 'kube-system', labels: {}, ref: { apiVersion: 'v1', kind: 'Pod', namespace: 'kube-system', name: 'coredns-1', uid: '' } };
    await expect(h.fault('kubernetes.pod-kill').inject(target, { gracePeriod: '0s' }, faultContext())).rejects.toThrow(/kube-system/);
    expect(h.kube.get('v1', 'Pod', 'kube-system', 'coredns-1')).toBeDefined();
    await h.close();
    h = await startHarness({ allowKubeSystem: true });
    h.kube.seed([pod('kube-system', 'coredns-1')]);
    const [t] = await h.resolve({ kind: 'Pod', namespace: 'kube-system' });
    await h.fault('kubernetes.pod-kill').inject(t!, { gracePeriod: '0s' }, faultContext());
    expect(h.kube.get('v1', 'Pod', 'kube-system', 'coredns-1')).toBeUndefined();
  });
});

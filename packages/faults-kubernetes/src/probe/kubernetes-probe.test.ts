import { afterEach, describe, expect, it } from 'vitest';
import { ProbeError } from '@faultline/core';
import { callContext, deployment, faultContext, pod, startHarness, statefulSet, waitReady, type KubeHarness } from '../test-support/stand-in.js';

describe('kubernetes probe', () => {
  let h: KubeHarness;
  afterEach(async () => h?.close());
  const observe = (params: object) => h.plugin.probes![0]!.observe(params, callContext());

  it('counts ready pods of a selector; terminating and not-ready pods do not count', async () => {
    h = await startHarness();
    h.kube.seed([pod('shop', 'a', { app: 'api' }), pod('shop', 'b', { app: 'api' }), { ...pod('shop', 'c', { app: 'api' }), status: { phase: 'Pending' } }]);
    expect(await observe({ namespace: 'shop', selector: 'app=api' })).toMatchObject({ value: 2, detail: '2 of 3 pods ready in shop matching app=api' });
    const [b] = await h.resolve({ kind: 'Pod', namespace: 'shop', name: 'b' });
    await h.fault('kubernetes.pod-kill').inject(b!, {}, faultContext());
    expect((await observe({ namespace: 'shop', selector: 'app=api' })).value).toBe(1);
  });

  it('reads available replicas of a Deployment and ready replicas of a StatefulSet', async () => {
    h = await startHarness();
    h.kube.seed([deployment('shop', 'checkout', { replicas: 3 }), statefulSet('shop', 'db', 2)]);
    await waitReady(h.kube, 'shop', 'checkout', 3);
    await waitReady(h.kube, 'shop', 'db', 2, 'StatefulSet');
    expect((await observe({ namespace: 'shop', kind: 'Deployment', name: 'checkout' })).value).toBe(3);
    expect((await observe({ namespace: 'shop', kind: 'StatefulSet', name: 'db' })).value).toBe(2);
    expect(await observe({ namespace: 'shop', kind: 'Deployment', name: 'gone' })).toMatchObject({ value: 0 });
  });

  it('throws ProbeError when it cannot evaluate', async () => {
    h = await startHarness();
    h.kube.forbid({ resource: 'pods' });
    await expect(observe({ namespace: 'shop' })).rejects.toBeInstanceOf(ProbeError);
    await expect(observe({ namespace: 'shop', kind: 'Deployment' })).rejects.toThrow(/needs `name`/);
  });
});

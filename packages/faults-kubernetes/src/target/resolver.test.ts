import { afterEach, describe, expect, it } from 'vitest';
import { deployment, faultContext, pod, startHarness, type KubeHarness } from '../test-support/stand-in.js';

describe('kubernetes target resolver', () => {
  let h: KubeHarness;
  afterEach(async () => h?.close());

  it('resolves by label selector with stable ids, refs and namespace labels under `namespace:`', async () => {
    h = await startHarness();
    h.kube.seed([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'faultline.dev/enabled': 'true' } } },
      pod('shop', 'a', { app: 'api', tier: 'web' }), pod('shop', 'b', { app: 'api', tier: 'db' }), pod('shop', 'c', { app: 'front' }),
    ]);
    const targets = await h.resolve({ kind: 'Pod', namespace: 'shop', selector: 'app=api,tier in (web,db)' });
    expect(targets.map((t) => t.id)).toEqual(['k8s:pod/shop/a', 'k8s:pod/shop/b']);
    const a = targets[0]!;
    expect(a).toMatchObject({ kind: 'kubernetes', name: 'shop/a', namespace: 'shop', labels: { app: 'api', tier: 'web', 'namespace:faultline.dev/enabled': 'true' } });
    expect(a.ref).toEqual({ apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'a', uid: h.kube.get('v1', 'Pod', 'shop', 'a')!.metadata.uid });
  });

  it('pages through large lists with limit/continue', async () => {
    h = await startHarness();
    h.kube.seed(Array.from({ length: 1203 }, (_, i) => pod('big', `p-${String(i).padStart(4, '0')}`)));
    const targets = await h.resolve({ kind: 'Pod', namespace: 'big' });
    expect(targets).toHaveLength(1203);
    expect(new Set(targets.map((t) => t.id)).size).toBe(1203);
    expect(h.kube.requests.filter((r) => r.verb === 'list')).toHaveLength(3);
  });

  it('applies field selectors, skips terminating pods, and finds nothing in a missing namespace', async () => {
    h = await startHarness();
    h.kube.seed([pod('shop', 'running'), { ...pod('shop', 'done'), status: { phase: 'Succeeded' } }, pod('shop', 'going')]);
    const [going] = await h.resolve({ kind: 'Pod', namespace: 'shop', name: 'going' });
    await h.fault('kubernetes.pod-kill').inject(going!, {}, faultContext());
    expect(h.kube.get('v1', 'Pod', 'shop', 'going')?.metadata.deletionTimestamp).toBeDefined();
    const running = await h.resolve({ kind: 'Pod', namespace: 'shop', fieldSelector: 'status.phase=Running' });
    expect(running.map((t) => t.name)).toEqual(['shop/running']);
    expect(await h.resolve({ kind: 'Pod', namespace: 'nowhere' })).toEqual([]);
    expect(await h.resolve({ kind: 'Deployment', namespace: 'shop', name: 'missing' })).toEqual([]);
  });

  it('combines a name with a selector as the server would', async () => {
    h = await startHarness();
    h.kube.seed([deployment('shop', 'checkout', { labels: { app: 'checkout' } })]);
    expect(await h.resolve({ kind: 'Deployment', namespace: 'shop', name: 'checkout', selector: 'app=checkout' })).toHaveLength(1);
    expect(await h.resolve({ kind: 'Deployment', namespace: 'shop', name: 'checkout', selector: 'app=other' })).toEqual([]);
  });
});

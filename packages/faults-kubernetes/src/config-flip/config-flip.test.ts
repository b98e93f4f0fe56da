import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '@faultline/core';
import { testFaultProviderContract } from '@faultline/testing';
import { contractCases } from '../test-support/contract-cases.js';
import { configMap, deployment, faultContext, startHarness, waitReady, type KubeHarness } from '../test-support/stand-in.js';
import { configFlipFault } from './config-flip.js';

const c = contractCases()['kubernetes.config-flip'];
if (c) testFaultProviderContract(c.type, c.options);

const dataOf = (h: KubeHarness) => h.kube.get('v1', 'ConfigMap', 'shop', 'flags')?.['data'] as Record<string, string>;
const envOf = (h: KubeHarness, container = 'app') =>
  ((h.kube.get('apps/v1', 'Deployment', 'shop', 'checkout')?.['spec'] as { template: { spec: { containers: Array<{ name: string; env?: unknown[] }> } } })
    .template.spec.containers.find((x) => x.name === container)?.env);

describe('kubernetes.config-flip', () => {
  let h: KubeHarness;
  afterEach(async () => h?.close());

  it('checks parameters: data or env, not both', () => {
    const f = configFlipFault({ api: () => { throw new Error('unused'); }, allowKubeSystem: false });
    expect(f.check?.({})).toHaveLength(1);
    expect(f.check?.({ data: { a: '1' }, env: { B: '2' } })[0]?.path).toBe('env');
    expect(f.check?.({ data: { a: '1' } })).toEqual([]);
  });

  it('restores changed keys, removes keys that did not exist, and re-adds removed keys', async () => {
    h = await startHarness();
    h.kube.seed([configMap('shop', 'flags', { checkout: 'on', legacy: 'yes', untouched: 'same' })]);
    const [t] = await h.resolve({ kind: 'ConfigMap', namespace: 'shop', name: 'flags' });
    const ctx = faultContext();
    const undo = await h.fault('kubernetes.config-flip').inject(t!, { data: { checkout: 'off', brandNew: 'x', legacy: null } }, ctx);
    expect(undo).toMatchObject({ original: { checkout: 'on', brandNew: null, legacy: 'yes' } });
    expect(dataOf(h)).toEqual({ checkout: 'off', brandNew: 'x', untouched: 'same' });
    await h.freshFault('kubernetes.config-flip').revert(t!, undefined, { ...faultContext(), runId: ctx.runId, faultName: ctx.faultName });
    expect(dataOf(h)).toEqual({ checkout: 'on', legacy: 'yes', untouched: 'same' });
    const meta = h.kube.get('v1', 'ConfigMap', 'shop', 'flags')!.metadata;
    expect(meta.annotations?.['faultline.dev/config-flip']).toBeUndefined();
    expect(meta.labels?.['faultline.dev/run']).toBeUndefined();
  });

  it('flips one flag inside a flagd JSON value and restores the original text byte for byte', async () => {
    h = await startHarness();
    // OpenFeature flagd's flag file format, as teams keep it in a ConfigMap mounted by flagd.
    const flagd = '{\n  "$schema": "https://flagd.dev/schema/v0/flags.json",\n  "flags": {\n    "new-checkout": { "state": "ENABLED", "variants": { "on": true, "off": false }, "defaultVariant": "on" },\n    "fast-search": { "state": "ENABLED", "variants": { "on": true, "off": false }, "defaultVariant": "on" }\n  }\n}\n';
    h.kube.seed([configMap('shop', 'flags', { 'flags.flagd.json': flagd, other: 'x' })]);
    const [t] = await h.resolve({ kind: 'ConfigMap', namespace: 'shop', name: 'flags' });
    const ctx = faultContext();
    await h.fault('kubernetes.config-flip').inject(t!, { json: { 'flags.flagd.json': { '/flags/new-checkout/defaultVariant': 'off' } } }, ctx);
    const during = JSON.parse(dataOf(h)['flags.flagd.json']!) as { flags: Record<string, { defaultVariant: string; variants: unknown }> };
    expect(during.flags['new-checkout']?.defaultVariant).toBe('off');
    expect(during.flags['fast-search']?.defaultVariant).toBe('on');
    expect(during.flags['new-checkout']?.variants).toEqual({ on: true, off: false });
    expect(dataOf(h)['other']).toBe('x');
    await h.freshFault('kubernetes.config-flip').revert(t!, undefined, { ...faultContext(), runId: ctx.runId, faultName: ctx.faultName });
    expect(dataOf(h)['flags.flagd.json']).toBe(flagd);
    await expect(h.fault('kubernetes.config-flip').inject(t!, { json: { 'flags.flagd.json': { '/flags/no-such-flag/defaultVariant': 'off' } } }, faultContext()))
      .rejects.toThrow('ConfigMap shop/flags key "flags.flagd.json": /flags/no-such-flag/defaultVariant — "/flags/no-such-flag" does not exist');
    await expect(h.fault('kubernetes.config-flip').inject(t!, { json: { other: { '/a': 1 } } }, faultContext())).rejects.toThrow(/key "other" is not JSON/);
  });

  it('leaves a key someone else changed, restores the rest, and keeps reporting the leftover', async () => {
    h = await startHarness();
    h.kube.seed([configMap('shop', 'flags', { checkout: 'on', search: 'on' })]);
    const [t] = await h.resolve({ kind: 'ConfigMap', namespace: 'shop', name: 'flags' });
    const ctx = faultContext();
    await h.fault('kubernetes.config-flip').inject(t!, { data: { checkout: 'off', search: 'off' } }, ctx);
    h.kube.modify('v1', 'ConfigMap', 'shop', 'flags', (cm) => { (cm['data'] as Record<string, string>)['search'] = 'beta'; });
    const err = await h.fault('kubernetes.config-flip').revert(t!, undefined, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as Error).message).toMatch(/search is "beta" \(we set "off", original "on"\)/);
    expect(dataOf(h)).toEqual({ checkout: 'on', search: 'beta' });
    await expect(h.fault('kubernetes.config-flip').revert(t!, undefined, ctx)).rejects.toThrow(/search is "beta"/);
  });

  it('flips Deployment env vars by container and restores them exactly, including valueFrom', async () => {
    h = await startHarness();
    const d = deployment('shop', 'checkout', { replicas: 1, env: [{ name: 'MODE', value: 'fast' }] });
    ((d['spec'] as any).template.spec.containers[0].env as unknown[]).push({ name: 'DB_PASS', valueFrom: { secretKeyRef: { name: 'db', key: 'pass' } } });
    h.kube.seed([d]);
    const [t] = await h.resolve({ kind: 'Deployment', namespace: 'shop', name: 'checkout' });
    const before = envOf(h);
    const ctx = faultContext();
    await h.fault('kubernetes.config-flip').inject(t!, { env: { MODE: 'slow', DB_PASS: 'wrong', NEW_FLAG: '1' }, container: 'app' }, ctx);
    expect(envOf(h)).toEqual([{ name: 'MODE', value: 'slow' }, { name: 'DB_PASS', value: 'wrong' }, { name: 'NEW_FLAG', value: '1' }]);
    expect(envOf(h, 'sidecar')).toBeUndefined();
    await h.fault('kubernetes.config-flip').revert(t!, undefined, ctx);
    expect(envOf(h)).toEqual(before);
    const patches = h.kube.requests.filter((r) => r.verb === 'patch');
    expect(patches.every((p) => p.contentType === 'application/json-patch+json')).toBe(true);
  });

  it('rolls out the workloads that use the ConfigMap when asked', async () => {
    h = await startHarness();
    h.kube.seed([
      configMap('shop', 'flags', { checkout: 'on' }),
      deployment('shop', 'checkout', { replicas: 2, volumes: [{ name: 'flags', configMap: { name: 'flags' } }] }),
      deployment('shop', 'other', { replicas: 1 }),
    ]);
    await waitReady(h.kube, 'shop', 'checkout', 2);
    const podsBefore = new Set(h.kube.list('v1', 'Pod', 'shop').map((p) => p.metadata.name));
    const [t] = await h.resolve({ kind: 'ConfigMap', namespace: 'shop', name: 'flags' });
    await h.fault('kubernetes.config-flip').inject(t!, { data: { checkout: 'off' }, rolloutRestart: true }, faultContext());
    const restarted = (name: string) => (h.kube.get('apps/v1', 'Deployment', 'shop', name)?.['spec'] as any).template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'];
    expect(restarted('checkout')).toBeDefined();
    expect(restarted('other')).toBeUndefined();
    await h.kube.waitFor('checkout pods replaced', () => {
      const live = h.kube.list('v1', 'Pod', 'shop').filter((p) => p.metadata.labels?.['app'] === 'checkout' && !p.metadata.deletionTimestamp);
      return live.length === 2 && live.every((p) => !podsBefore.has(p.metadata.name));
    });
  });
});

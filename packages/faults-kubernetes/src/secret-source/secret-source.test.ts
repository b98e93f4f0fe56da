import { afterEach, describe, expect, it } from 'vitest';
import { createSecretResolver } from '@faultline/core';
import { startHarness, type KubeHarness } from '../test-support/stand-in.js';

describe('kubernetes secret source', () => {
  let h: KubeHarness;
  afterEach(async () => h?.close());
  const signal = new AbortController().signal;

  it('reads one key of a Secret at the moment of use and says which reference is missing', async () => {
    h = await startHarness();
    h.kube.seed([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'unleash', namespace: 'shop' }, data: { token: Buffer.from('s3cr3t-admin-token').toString('base64') } }]);
    const resolver = createSecretResolver([h.plugin.secretSource]);
    expect(await resolver.resolve({ kubernetes: { namespace: 'shop', name: 'unleash', key: 'token' } }, signal)).toBe('s3cr3t-admin-token');
    // Rotated between two uses: read afresh, not cached.
    h.kube.modify('v1', 'Secret', 'shop', 'unleash', (s) => { (s['data'] as Record<string, string>)['token'] = Buffer.from('rotated-token').toString('base64'); });
    expect(await resolver.resolve({ kubernetes: { namespace: 'shop', name: 'unleash', key: 'token' } }, signal)).toBe('rotated-token');
    await expect(resolver.resolve({ kubernetes: { namespace: 'shop', name: 'unleash', key: 'nope' } }, signal))
      .rejects.toThrow('secret reference (kubernetes Secret shop/unleash key nope) cannot be resolved: Secret shop/unleash has no key "nope"');
    await expect(resolver.resolve({ kubernetes: { namespace: 'shop', name: 'gone', key: 'token' } }, signal)).rejects.toThrow(/Secret shop\/gone does not exist/);
    expect(resolver.scrub('Authorization: Bearer s3cr3t-admin-token')).toBe('Authorization: Bearer [redacted]');
  });
});

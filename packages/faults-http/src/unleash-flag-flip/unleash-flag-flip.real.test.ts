import { afterAll, describe, expect, it } from 'vitest';
import { artefactName, createSecretResolver, ProviderError, type SecretResolver, type Target } from '@faultline/core';
import { faultContext, testFaultProviderContract } from '@faultline/testing';
import { unleashAdmin, unleashEnv, type UnleashEnv } from '../test-support/unleash.js';
import { unleashFlagFlipFault, type UnleashFlagFlipParams } from './unleash-flag-flip.js';
import { unleashResolver } from './unleash-target.js';

// Against a real Unleash (npm unleash-server 7.5.x on the CI PostgreSQL): scripts/unleash-env.sh start.
// Skipped with a notice when it is not running, except under CI=true, where a missing Unleash fails.
const env = unleashEnv();
const missing = 'missing' in env ? env.missing : undefined;
if (missing && process.env.CI === 'true') {
  describe('unleash.flag-flip (real Unleash)', () => {
    it('needs the test Unleash in CI', () => {
      throw new Error(`${missing}. CI must run scripts/unleash-env.sh start before the tests.`);
    });
  });
} else if (missing) {
  describe.skip(`unleash.flag-flip (real Unleash) — skipped: ${missing}`, () => {
    it('skipped', () => undefined);
  });
} else {
  realTests(env as UnleashEnv);
}

function realTests(u: UnleashEnv): void {
  const admin = unleashAdmin(u);
  const created: string[] = [];
  let seq = 0;
  const newFlag = async (parameters: Record<string, string> = { rollout: '25', stickiness: 'default', groupId: 'g' }) => {
    const feature = `fl-test-${process.pid}-${++seq}-${Math.floor(Math.random() * 1e6)}`;
    created.push(feature);
    const strategyId = await admin.createFlag(feature, 'development', parameters);
    return { feature, strategyId };
  };
  afterAll(async () => {
    for (const f of created) await admin.remove(f);
  });
  const secrets = (): SecretResolver => createSecretResolver([{
    kind: 'env',
    async read(ref) {
      if ('env' in ref && ref.env === 'UNLEASH_TOKEN') return u.token;
      throw new Error('environment variable is not set in this process');
    },
  }]);
  const target = async (feature: string): Promise<Target> => (await unleashResolver({}).resolve(
    { url: u.url, token: { secretRef: { env: 'UNLEASH_TOKEN' } }, feature, environment: 'development' },
    { signal: new AbortController().signal, log: faultContext().log, timeoutMs: 5_000 },
  ))[0]!;

  testFaultProviderContract<UnleashFlagFlipParams, never>('unleash.flag-flip (real Unleash)', {
    context: { secrets: secrets() },
    async setup() {
      const { feature } = await newFlag();
      return {
        provider: unleashFlagFlipFault() as never,
        target: await target(feature),
        params: { enabled: true, strategy: { parameters: { rollout: '100' } } },
        isActive: async () => {
          const e = await admin.environment(feature, 'development');
          return e?.enabled === true && e.strategies[0]?.parameters['rollout'] === '100';
        },
        removeTarget: () => admin.remove(feature),
        freshProvider: () => unleashFlagFlipFault() as never,
        dispose: async () => undefined,
      };
    },
  });

  describe('unleash.flag-flip (real Unleash)', () => {
    it('changes strategy parameters and variants and restores exactly what was there; the marker flag holds the originals meanwhile', async () => {
      const { feature, strategyId } = await newFlag({ rollout: '10', stickiness: 'userId', groupId: 'checkout' });
      await admin.call('PUT', `/api/admin/projects/default/features/${feature}/environments/development/strategies/${strategyId}`, {
        name: 'flexibleRollout', parameters: { rollout: '10', stickiness: 'userId', groupId: 'checkout' }, constraints: [],
        variants: [{ name: 'blue', weight: 1000, weightType: 'variable', stickiness: 'default', payload: { type: 'string', value: 'b' } }],
      });
      const before = await admin.environment(feature, 'development');
      const t = await target(feature);
      const ctx = faultContext({ secrets: secrets() });
      const params: UnleashFlagFlipParams = {
        strategy: { id: strategyId, parameters: { rollout: '100', newParam: 'x' }, variants: [{ name: 'red', weight: 1000, payload: { type: 'string', value: 'r' } }] },
      };
      const undo = await unleashFlagFlipFault().inject(t, params, ctx);
      const during = await admin.environment(feature, 'development');
      expect(during?.strategies[0]?.parameters).toEqual({ rollout: '100', stickiness: 'userId', groupId: 'checkout', newParam: 'x' });
      expect(during?.strategies[0]?.variants?.map((v) => v.name)).toEqual(['red']);
      expect(await admin.exists(artefactName(ctx.runId, ctx.faultName))).toBe(true);
      expect(JSON.stringify(undo)).not.toContain(u.token);
      // A fresh process without undo data restores from the marker.
      await unleashFlagFlipFault().revert(t, undefined, { ...faultContext({ secrets: secrets() }), runId: ctx.runId, faultName: ctx.faultName });
      const after = await admin.environment(feature, 'development');
      expect(after?.strategies).toEqual(before?.strategies);
      expect(after?.enabled).toBe(before?.enabled);
      expect(await admin.exists(artefactName(ctx.runId, ctx.faultName))).toBe(false);
    });

    it('refuses to overwrite what someone else changed during the hold, says what differed, restores the rest', async () => {
      const { feature, strategyId } = await newFlag({ rollout: '10', stickiness: 'default', groupId: 'g' });
      const t = await target(feature);
      const ctx = faultContext({ secrets: secrets() });
      await unleashFlagFlipFault().inject(t, { enabled: true, strategy: { parameters: { rollout: '100' } } }, ctx);
      // Someone sets the rollout by hand during the hold.
      const during = await admin.environment(feature, 'development');
      await admin.call('PUT', `/api/admin/projects/default/features/${feature}/environments/development/strategies/${strategyId}`, {
        name: 'flexibleRollout', parameters: { ...during!.strategies[0]!.parameters, rollout: '42' }, constraints: [],
      });
      const err = await unleashFlagFlipFault().revert(t, undefined, ctx).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as Error).message).toContain(`restoring Unleash flag "${feature}" in development: someone changed it during the fault, so Faultline leaves their change: strategy ${strategyId} parameter rollout is "42" (we set "100", original "10")`);
      const after = await admin.environment(feature, 'development');
      expect(after?.strategies[0]?.parameters['rollout']).toBe('42');
      expect(after?.enabled).toBe(false);
      // Still reported until a person decides (the marker stays).
      await expect(unleashFlagFlipFault().revert(t, undefined, ctx)).rejects.toThrow(/rollout is "42"/);
      await admin.remove(artefactName(ctx.runId, ctx.faultName));
    });

    it('a revert whose token reference cannot be resolved fails naming the reference', async () => {
      const { feature } = await newFlag();
      const t = await target(feature);
      const ctx = faultContext({ secrets: secrets() });
      const undo = await unleashFlagFlipFault().inject(t, { enabled: true }, ctx);
      const none = createSecretResolver([]);
      await expect(unleashFlagFlipFault().revert(t, undo, { ...ctx, secrets: none })).rejects.toThrow('secret reference (env UNLEASH_TOKEN) cannot be resolved: no env secret source is configured in this process');
      await unleashFlagFlipFault().revert(t, undo, ctx);
      expect((await admin.environment(feature, 'development'))?.enabled).toBe(false);
    });
  });
}

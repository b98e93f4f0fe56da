import { describe, expect, it } from 'vitest';
import { newRunId, silentLogger, type FaultContext, type FaultProvider, type Json, type Target } from '@faultline/core';

/** What a fault's contract test needs from its backend (real or stand-in). */
export interface ContractFixture<P, U extends Json> {
  /** The provider under test (the same instance is used for inject). */
  provider: FaultProvider<P, U>;
  /** A target that exists on the backend and that the fault may act on. */
  target: Target;
  params: P;
  /** True when the fault's effect is observable on the backend right now. */
  isActive(): Promise<boolean>;
  /** Makes the target vanish (delete proxy/pod/container). */
  removeTarget(): Promise<void>;
  /** A new provider instance, as a fresh process would build it. */
  freshProvider(): FaultProvider<P, U>;
  /** Cleans up whatever the fixture created. */
  dispose(): Promise<void>;
}

export interface ContractOptions<P, U extends Json> {
  /** Builds a fresh fixture for every test. */
  setup(): Promise<ContractFixture<P, U>>;
  /** Irreversible faults (kill) skip the "active after inject / inactive after revert" checks. */
  irreversible?: boolean;
  timeoutMs?: number;
  /** Added to every call's context, e.g. `secrets` for providers whose credentials are secret references. */
  context?: Partial<FaultContext>;
}

export function faultContext(overrides: Partial<FaultContext> = {}): FaultContext {
  return {
    runId: newRunId(),
    faultName: 'contract',
    signal: new AbortController().signal,
    log: silentLogger,
    timeoutMs: 10_000,
    ...overrides,
  };
}

/**
 * The provider contract from packages/core (FaultProvider JSDoc): idempotent inject, idempotent and
 * total revert, revert from a fresh instance with only stored undo data, and an aborted signal honoured.
 */
export function testFaultProviderContract<P, U extends Json>(name: string, opts: ContractOptions<P, U>): void {
  const timeout = opts.timeoutMs ?? 60_000;
  const fc = (overrides: Partial<FaultContext> = {}) => faultContext({ ...opts.context, ...overrides });
  const withFixture = (fn: (f: ContractFixture<P, U>) => Promise<void>) => async () => {
    const f = await opts.setup();
    try {
      await fn(f);
    } finally {
      await f.dispose();
    }
  };

  describe(`${name}: provider contract`, () => {
    it('inject twice equals inject once; one revert removes it', withFixture(async (f) => {
      const ctx = fc();
      const u1 = await f.provider.inject(f.target, f.params, ctx);
      const u2 = await f.provider.inject(f.target, f.params, ctx);
      if (!opts.irreversible) {
        expect(await f.isActive()).toBe(true);
        expect(JSON.stringify(u2)).toBe(JSON.stringify(u1));
      }
      await f.provider.revert(f.target, u1, ctx);
      if (!opts.irreversible) expect(await f.isActive()).toBe(false);
    }), timeout);

    it('verify (when the provider has it) reports a well-formed effect of the live fault and changes nothing', withFixture(async (f) => {
      if (!f.provider.verify) return;
      const ctx = fc();
      const undo = await f.provider.inject(f.target, f.params, ctx);
      try {
        const effect = await f.provider.verify(f.target, undo, f.params, ctx);
        expect(['effective', 'ineffective', 'unverified']).toContain(effect.status);
        expect(effect.detail.startsWith(`${effect.status}: `)).toBe(true);
        if (effect.status !== 'unverified') expect(typeof effect.measured).toBe('number');
        if (!opts.irreversible) expect(await f.isActive()).toBe(true);
      } finally {
        await f.provider.revert(f.target, undo, ctx);
      }
    }), timeout);

    it('revert without inject resolves and changes nothing', withFixture(async (f) => {
      await f.provider.revert(f.target, undefined, fc());
      if (!opts.irreversible) expect(await f.isActive()).toBe(false);
    }), timeout);

    it('revert twice resolves', withFixture(async (f) => {
      const ctx = fc();
      const undo = await f.provider.inject(f.target, f.params, ctx);
      await f.provider.revert(f.target, undo, ctx);
      await f.provider.revert(f.target, undo, ctx);
      if (!opts.irreversible) expect(await f.isActive()).toBe(false);
    }), timeout);

    it('revert after the target vanished resolves', withFixture(async (f) => {
      const ctx = fc();
      const undo = await f.provider.inject(f.target, f.params, ctx);
      await f.removeTarget();
      await f.provider.revert(f.target, undo, ctx);
    }), timeout);

    it('revert works from a fresh instance with only the stored undo data', withFixture(async (f) => {
      const ctx = fc();
      const undo = await f.provider.inject(f.target, f.params, ctx);
      const stored = JSON.parse(JSON.stringify({ target: f.target, undo })) as { target: Target; undo: U };
      // The engine passes the journaled parameters on every revert (ctx.params), in a fresh process too.
      await f.freshProvider().revert(stored.target, stored.undo, { ...fc(), runId: ctx.runId, faultName: ctx.faultName, params: JSON.parse(JSON.stringify(f.params ?? null)) as Json });
      if (!opts.irreversible) expect(await f.isActive()).toBe(false);
    }), timeout);

    it('revert works from a fresh instance without undo data (crash before it was journaled)', withFixture(async (f) => {
      const ctx = fc();
      await f.provider.inject(f.target, f.params, ctx);
      const target = JSON.parse(JSON.stringify(f.target)) as Target;
      await f.freshProvider().revert(target, undefined, { ...fc(), runId: ctx.runId, faultName: ctx.faultName, params: JSON.parse(JSON.stringify(f.params ?? null)) as Json });
      if (!opts.irreversible) expect(await f.isActive()).toBe(false);
    }), timeout);

    it('honours an already-aborted signal on inject', withFixture(async (f) => {
      const ctl = new AbortController();
      ctl.abort(new Error('aborted by test'));
      await expect(f.provider.inject(f.target, f.params, fc({ signal: ctl.signal }))).rejects.toBeDefined();
      await f.provider.revert(f.target, undefined, fc());
    }), timeout);
  });
}

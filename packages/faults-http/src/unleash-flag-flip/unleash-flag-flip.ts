import { artefactName, ProviderError, type FaultContext, type FaultProvider, type Json, type Target } from '@faultline/core';
import { Type, type Static } from '@sinclair/typebox';
import { UnleashApi, type UnleashEnvironmentState, type UnleashStrategy, type UnleashVariant } from './unleash-api.js';
import { unleashRefOf, type UnleashRef } from './unleash-target.js';

const VariantSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    weight: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    weightType: Type.Optional(Type.Union([Type.Literal('variable'), Type.Literal('fix')])),
    stickiness: Type.Optional(Type.String()),
    payload: Type.Optional(Type.Object({ type: Type.String(), value: Type.String() }, { additionalProperties: false })),
  },
  { additionalProperties: false, description: 'An Unleash variant.' },
);

export const unleashFlagFlipParams = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ description: 'Turn the flag on (true) or off (false) in the environment.' })),
    strategy: Type.Optional(Type.Object(
      {
        id: Type.Optional(Type.String({ minLength: 1, description: 'Strategy id; default: the only strategy of the flag in that environment.' })),
        parameters: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.String(), { description: 'Parameters to set, e.g. { rollout: "100" }; others stay.' })),
        variants: Type.Optional(Type.Array(VariantSchema, { description: "Replace the strategy's variants (Unleash 7 keeps variants on strategies)." })),
      },
      { additionalProperties: false, description: 'Change parameters and/or variants of one strategy.' },
    )),
  },
  { additionalProperties: false, description: 'What to change on the flag; restored exactly on revert unless someone else changed it meanwhile.' },
);
export type UnleashFlagFlipParams = Static<typeof unleashFlagFlipParams>;

/**
 * Kept in the description of a marker flag `faultline-<runId>-<fault>` (created before anything changes,
 * deleted after the restore) and returned as undo. `original` is what was there; `injected` what we set.
 */
export interface UnleashFlipState {
  [key: string]: Json;
  readonly runId: string;
  readonly faultName: string;
  readonly feature: string;
  readonly environment: string;
  readonly original: { enabled?: boolean; strategy?: Json };
  readonly injected: { enabled?: boolean; strategy?: { id: string; parameters?: { [k: string]: string }; variants?: Json } };
}

const TYPE = 'unleash.flag-flip';

/**
 * `unleash.flag-flip`: turns a flag on/off in an environment, changes a strategy's parameters or replaces
 * its variants, through Unleash's admin API. Revert compares before restoring: a part someone else changed
 * during the hold is left as they set it and reported; everything else is restored exactly.
 */
export function unleashFlagFlipFault(opts: { allowHosts?: readonly string[] } = {}): FaultProvider<UnleashFlagFlipParams, UnleashFlipState> {
  return {
    type: TYPE,
    targetKind: 'unleash',
    paramsSchema: unleashFlagFlipParams,
    summary: 'Flips an Unleash flag (on/off, strategy parameters, variants) in one environment and restores exactly what was there.',
    check(params) {
      if (params.enabled === undefined && !params.strategy) return [{ path: 'enabled', message: 'set `enabled`, `strategy.parameters` or `strategy.variants`' }];
      if (params.strategy && !params.strategy.parameters && !params.strategy.variants) return [{ path: 'strategy', message: 'set `parameters` or `variants` (or both)' }];
      return [];
    },
    async inject(target: Target, params: UnleashFlagFlipParams, ctx: FaultContext): Promise<UnleashFlipState> {
      if (ctx.signal.aborted) throw new ProviderError(`${TYPE} on ${target.name} was not started: the operation was aborted`, { cause: ctx.signal.reason });
      const ref = unleashRefOf(target);
      const api = new UnleashApi(ref, ctx, opts.allowHosts);
      const marker = artefactName(ctx.runId, ctx.faultName);
      const held = await readMarker(api, marker);
      if (held) {
        if (held.runId !== ctx.runId || held.faultName !== ctx.faultName) throw new ProviderError(`marker flag "${marker}" belongs to another fault`);
        await apply(api, ref, held); // a crash may have come between the marker and the change
        return held;
      }
      const env = await api.environment(ref.feature, ref.environment);
      if (!env) throw new ProviderError(`Unleash flag "${ref.feature}" does not exist in project ${ref.project}`, { hint: 'Check the feature name and project of the target.' });
      const state = planFlip(ref, env, params, ctx);
      // Write-ahead on the server: the originals are stored before anything changes.
      await api.createFeature(marker, JSON.stringify(state));
      await apply(api, ref, state);
      ctx.log.info({ runId: ctx.runId, targetId: target.id, feature: ref.feature, environment: ref.environment }, 'unleash flag flipped');
      return state;
    },
    async revert(target: Target, undo: UnleashFlipState | undefined, ctx: FaultContext): Promise<void> {
      const ref = unleashRefOf(target);
      const api = new UnleashApi(ref, ctx, opts.allowHosts);
      const marker = artefactName(ctx.runId, ctx.faultName);
      // The marker is deleted last: without it there is nothing (left) to restore, whatever undo says.
      const state = await readMarker(api, marker);
      if (!state) return;
      const env = await api.environment(ref.feature, ref.environment).catch((err: unknown) => {
        if (err instanceof ProviderError && /has no environment/.test(err.message)) return undefined;
        throw err;
      });
      const conflicts = env ? await restore(api, ref, state, env) : [];
      if (conflicts.length) {
        throw new ProviderError(`restoring Unleash flag "${ref.feature}" in ${ref.environment}: someone changed it during the fault, so Faultline leaves their change: ${conflicts.join('; ')}`, {
          retryable: false,
          hint: `Decide what the flag should be, set it in Unleash, then delete the marker flag "${marker}" in project ${ref.project}.`,
        });
      }
      await api.deleteFeature(marker);
      void undo;
      ctx.log.info({ runId: ctx.runId, targetId: target.id }, 'unleash flag restored');
    },
  };
}

/** The state kept in a marker flag's description; undefined when the marker does not exist. */
export async function readMarker(api: UnleashApi, marker: string): Promise<UnleashFlipState | undefined> {
  const f = await api.feature(marker);
  if (!f) return undefined;
  try {
    return JSON.parse(f.description ?? '') as UnleashFlipState;
  } catch {
    throw new ProviderError(`marker flag "${marker}" exists but its description is not Faultline's state`, { hint: 'Someone edited it; restore the flag by hand and delete the marker.' });
  }
}

function pickStrategy(env: UnleashEnvironmentState, id: string | undefined, feature: string): UnleashStrategy {
  if (id) {
    const s = env.strategies.find((x) => x.id === id);
    if (!s) throw new ProviderError(`Unleash flag "${feature}" has no strategy ${id} in ${env.name} (it has: ${env.strategies.map((x) => `${x.id} (${x.name})`).join(', ') || 'none'})`);
    return s;
  }
  if (env.strategies.length !== 1) {
    throw new ProviderError(`Unleash flag "${feature}" has ${env.strategies.length} strategies in ${env.name}; say which with strategy.id`, {
      hint: `ids: ${env.strategies.map((x) => `${x.id} (${x.name})`).join(', ') || 'none'}`,
    });
  }
  return env.strategies[0] as UnleashStrategy;
}

function planFlip(ref: UnleashRef, env: UnleashEnvironmentState, params: UnleashFlagFlipParams, ctx: FaultContext): UnleashFlipState {
  const original: { enabled?: boolean; strategy?: Json } = {};
  const injected: { enabled?: boolean; strategy?: { id: string; parameters?: { [k: string]: string }; variants?: Json } } = {};
  if (params.enabled !== undefined) {
    original.enabled = env.enabled;
    injected.enabled = params.enabled;
  }
  if (params.strategy) {
    const s = pickStrategy(env, params.strategy.id, ref.feature);
    original.strategy = s as unknown as Json;
    injected.strategy = {
      id: s.id,
      ...(params.strategy.parameters ? { parameters: { ...params.strategy.parameters } } : {}),
      ...(params.strategy.variants ? { variants: params.strategy.variants as unknown as Json } : {}),
    };
  }
  return { runId: ctx.runId, faultName: ctx.faultName, feature: ref.feature, environment: ref.environment, original, injected };
}

/** The fields Unleash accepts when a strategy is written back. */
function strategyBody(s: UnleashStrategy, parameters: Record<string, string>, variants: readonly UnleashVariant[]): UnleashStrategy {
  return {
    id: s.id, name: s.name, parameters, constraints: s.constraints ?? [], segments: s.segments ?? [], variants: variants.map(variantBody) as unknown as Json[],
    ...(s.title !== undefined && s.title !== null ? { title: s.title } : {}),
    ...(s.disabled !== undefined && s.disabled !== null ? { disabled: s.disabled } : {}),
    ...(s.sortOrder !== undefined ? { sortOrder: s.sortOrder } : {}),
  };
}

async function apply(api: UnleashApi, ref: UnleashRef, state: UnleashFlipState): Promise<void> {
  const { injected } = state;
  const env = await api.environment(ref.feature, ref.environment);
  if (!env) throw new ProviderError(`Unleash flag "${ref.feature}" no longer exists`);
  if (injected.strategy) {
    const current = pickStrategy(env, injected.strategy.id, ref.feature);
    const params = { ...(current.parameters ?? {}), ...(injected.strategy.parameters ?? {}) };
    const currentVariants = (current.variants ?? []) as unknown as UnleashVariant[];
    const variants = (injected.strategy.variants ?? currentVariants) as unknown as UnleashVariant[];
    if (!sameParams(current.parameters ?? {}, params) || !sameVariants(currentVariants, variants)) {
      await api.putStrategy(ref.feature, ref.environment, strategyBody(current, params, variants));
    }
  }
  if (injected.enabled !== undefined && env.enabled !== injected.enabled) await api.setEnabled(ref.feature, ref.environment, injected.enabled);
}

/** Restores what still holds our value; returns descriptions of what someone else changed (left alone). */
async function restore(api: UnleashApi, ref: UnleashRef, state: UnleashFlipState, env: UnleashEnvironmentState): Promise<string[]> {
  const conflicts: string[] = [];
  const { original, injected } = state;
  if (injected.strategy) {
    const orig = original.strategy as unknown as UnleashStrategy;
    const current = env.strategies.find((s) => s.id === injected.strategy!.id);
    if (!current) {
      conflicts.push(`strategy ${injected.strategy.id} (${orig.name}) was deleted`);
    } else {
      const params = { ...(current.parameters ?? {}) };
      let variants = (current.variants ?? []) as unknown as UnleashVariant[];
      let changed = false;
      for (const [k, ours] of Object.entries(injected.strategy.parameters ?? {})) {
        const was = orig.parameters?.[k];
        const now = params[k];
        if (now === was) continue;
        if (now !== ours) {
          conflicts.push(`strategy ${current.id} parameter ${k} is ${JSON.stringify(now ?? null)} (we set ${JSON.stringify(ours)}, original ${JSON.stringify(was ?? null)})`);
          continue;
        }
        if (was === undefined) delete params[k];
        else params[k] = was;
        changed = true;
      }
      if (injected.strategy.variants !== undefined) {
        const was = (orig.variants ?? []) as unknown as UnleashVariant[];
        const ours = injected.strategy.variants as unknown as UnleashVariant[];
        if (!sameVariants(variants, was)) {
          if (sameVariants(variants, ours)) {
            variants = was;
            changed = true;
          } else {
            conflicts.push(`strategy ${current.id} variants are ${describeVariants(variants)} (we set ${describeVariants(ours)}, original ${describeVariants(was)})`);
          }
        }
      }
      if (changed) await api.putStrategy(ref.feature, ref.environment, strategyBody(current, params, variants));
    }
  }
  if (injected.enabled !== undefined && original.enabled !== undefined && env.enabled !== original.enabled) {
    // A boolean has two values: "now ours" is the only state besides the original.
    await api.setEnabled(ref.feature, ref.environment, original.enabled);
  }
  return conflicts;
}

function sameParams(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}

/** What a person set on a variant (Unleash fills in defaults such as weights, stickiness and overrides). */
function variantKey(v: UnleashVariant): string {
  return JSON.stringify([v.name, v.payload?.type ?? null, v.payload?.value ?? null, v.weightType === 'fix' ? v.weight : null]);
}

function sameVariants(a: readonly UnleashVariant[], b: readonly UnleashVariant[]): boolean {
  return JSON.stringify(a.map(variantKey).sort()) === JSON.stringify(b.map(variantKey).sort());
}

function variantBody(v: UnleashVariant): UnleashVariant {
  return {
    name: v.name, weightType: v.weightType ?? 'variable', weight: v.weight ?? 0, stickiness: v.stickiness ?? 'default',
    ...(v.payload ? { payload: v.payload } : {}), ...(v.overrides ? { overrides: v.overrides } : {}),
  };
}

function describeVariants(vs: readonly UnleashVariant[]): string {
  return vs.length ? vs.map((v) => v.name + (v.payload ? `=${v.payload.value}` : '')).join(', ') : '(none)';
}

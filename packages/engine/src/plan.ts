import {
  NotFoundError, ProviderError, SpecInvalidError, selectTargets, seededRandom, withTimeout, formatDuration,
  type CallContext, type Experiment, type LimitCheck, type PlannedFault, type PlannedTarget, type Registry, type RunPlan,
  type Target,
} from '@faultline/core';
import { checkBlastRadius } from './blast-radius.js';

export interface PlanOptions {
  seed?: number;
  ctx: CallContext;
}

function describeMode(mode: Experiment['spec']['targets'][string]['mode']): string {
  return 'value' in mode ? `${mode.type} ${mode.value}${mode.type.endsWith('percent') ? '%' : ''}` : mode.type;
}

/**
 * Resolves every target used by a fault, applies selection modes and checks blast-radius limits.
 * No side effects. Throws SpecInvalidError for a fault/target mismatch, ProviderError when a backend
 * cannot be reached, NotFoundError when a target resolves to nothing.
 */
export async function planRun(experiment: Experiment, registry: Registry, opts: PlanOptions): Promise<RunPlan> {
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  const random = seededRandom(seed);
  const { spec } = experiment;
  const used = new Set(spec.faults.map((f) => f.target));
  const targets: PlannedTarget[] = [];
  const selectedByName = new Map<string, Target[]>();

  for (const name of [...used].sort()) {
    const t = spec.targets[name];
    if (!t) throw new SpecInvalidError([{ path: `spec.targets.${name}`, message: `target "${name}" is used by a fault but not defined` }]);
    const resolver = registry.resolvers.get(t.kind);
    if (!resolver) {
      throw new SpecInvalidError([{
        path: `spec.targets.${name}`, message: `no provider for target kind "${t.kind}"`, allowed: [...registry.resolvers.keys()],
      }]);
    }
    let candidates: Target[];
    try {
      candidates = await withTimeout(`resolving target "${name}" (${t.kind})`, opts.ctx.timeoutMs, (signal) =>
        resolver.resolve(t.selector, { ...opts.ctx, signal }), opts.ctx.signal);
    } catch (err) {
      if (err instanceof ProviderError || err instanceof NotFoundError) throw err;
      throw new ProviderError(`could not resolve target "${name}" (${t.kind}): ${(err as Error).message}`, { cause: err, retryable: true });
    }
    if (candidates.length === 0) {
      throw new NotFoundError(`target "${name}" (${t.kind} ${JSON.stringify(t.selector)}) matched nothing`, {
        hint: 'check the selector (names, namespace, labels) against what exists; `faultline plan` shows what resolves',
      });
    }
    const selected = selectTargets(candidates, t.mode, random);
    selectedByName.set(name, selected);
    targets.push({ name, kind: t.kind, mode: describeMode(t.mode), candidates: candidates.length, selected });
  }

  const faults: PlannedFault[] = spec.faults.map((f) => {
    const provider = registry.faults.get(f.type);
    if (!provider) {
      throw new SpecInvalidError([{ path: `spec.faults.${f.name}.type`, message: `unknown fault type "${f.type}"`, allowed: [...registry.faults.keys()] }]);
    }
    const untilMs = f.forMs !== undefined ? Math.min(spec.durationMs, f.afterMs + f.forMs) : spec.durationMs;
    const n = selectedByName.get(f.target)?.length ?? 0;
    return {
      name: f.name, type: f.type, target: f.target, afterMs: f.afterMs, untilMs, params: f.with,
      summary: `${provider.summary} on ${n} target${n === 1 ? '' : 's'} of "${f.target}" from ${formatDuration(f.afterMs)} to ${formatDuration(untilMs)}`,
    };
  });

  const limits: LimitCheck[] = checkBlastRadius(spec.blastRadius, targets);
  return { targets, faults, limits, durationMs: spec.durationMs, seed };
}

/** The first violated limit, if any. */
export function violatedLimits(plan: RunPlan): LimitCheck[] {
  return plan.limits.filter((l) => !l.ok);
}

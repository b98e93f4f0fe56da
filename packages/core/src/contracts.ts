import type { TSchema } from '@sinclair/typebox';
import type { Json, JsonObject } from './json.js';
import type { Logger } from './logger.js';
import type { Target } from './target.js';
import type { Observation } from './expectation.js';
import type { SecretResolver } from './secrets.js';
import type { FaultEffect } from './effect.js';

/** What every provider call gets. */
export interface CallContext {
  /** Aborted when the call's own timeout passes, a guard trips or the process shuts down. Honour it. */
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** Upper bound for each outside call made on behalf of this one. */
  readonly timeoutMs: number;
  /**
   * Resolves `{ secretRef }` values at the moment of use (see resolveSecretValues). The value stays in
   * memory: never put it in undo data, target refs, errors or logs.
   */
  readonly secrets?: SecretResolver;
}

export interface FaultContext extends CallContext {
  readonly runId: string;
  readonly faultName: string;
  /**
   * How long the fault is meant to stay, plus a safety margin. Backends that support it (the embedded
   * proxy's toxic `ttl`) remove the fault by themselves after this, even if Faultline dies.
   */
  readonly leaseMs?: number;
  /**
   * The fault's `with:` as written ahead in the journal (credentials redacted, secret references kept).
   * Given to revert so a fault whose undo data was never journaled (crash right after inject) can still
   * be reverted from what the experiment said.
   */
  readonly params?: Json;
}

/** Turns a target selector from the experiment file into concrete targets. No side effects. */
export interface TargetResolver<S = JsonObject> {
  /** The selector key in experiment files: 'toxiproxy', 'kubernetes', 'docker'. */
  readonly kind: string;
  /** JSON Schema (TypeBox) of the selector object. */
  readonly selectorSchema: TSchema;
  /** Throws ProviderError (unreachable backend) or NotFoundError-free: an empty list means nothing matched. */
  resolve(selector: S, ctx: CallContext): Promise<Target[]>;
}

/**
 * A fault type. Contract (tested by the provider contract suite):
 * - `inject` is idempotent: injecting twice changes nothing more and returns equivalent undo data.
 * - `revert` is idempotent and total: never injected, already reverted or vanished target all resolve.
 * - `revert` works in a fresh process from (target, undo?, ctx) alone; undo may be undefined after a crash
 *   between inject and journaling, so what it needs must also be derivable from runId + faultName.
 * - Every artefact carries artefactName(runId, faultName) where the backend allows a name or annotation.
 * - Throw ProviderError (retryable when transient) for backend failures; never a raw Error.
 */
export interface FaultProvider<P = JsonObject, U extends Json = Json> {
  /** '<provider>.<fault>': 'toxiproxy.latency'. */
  readonly type: string;
  /** Which target kind it acts on; fault.target must name a target of this kind. */
  readonly targetKind: string;
  /** JSON Schema (TypeBox) of `with:`. Units stay strings here; the provider parses them. */
  readonly paramsSchema: TSchema;
  /** One sentence for `faultline plan` and docs. */
  readonly summary: string;
  /** True when there is nothing to undo (pod kill, container kill); revert is then a no-op. */
  readonly irreversible?: boolean;
  /** Optional semantic checks beyond the schema; returns problems as messages keyed by param path. */
  check?(params: P): Array<{ path: string; message: string }>;
  inject(target: Target, params: P, ctx: FaultContext): Promise<U>;
  /**
   * Optional: measures, while the fault is active, whether it has the asked effect (RTT, loss,
   * reachability to a destination the params name). The engine calls it right after the inject is
   * journaled, journals the result (`fault-effect`) and flags the verdict when it is `ineffective`.
   * Read-only and bounded by ctx.timeoutMs; throwing makes the effect `unverified`.
   */
  verify?(target: Target, undo: U | undefined, params: P, ctx: FaultContext): Promise<FaultEffect>;
  revert(target: Target, undo: U | undefined, ctx: FaultContext): Promise<void>;
}

/** A leftover artefact found by an orphan sweep. */
export interface Orphan {
  readonly kind: string;
  readonly runId: string;
  readonly faultName: string;
  readonly description: string;
  /** Removes it; idempotent. */
  remove(ctx: CallContext): Promise<void>;
}

/**
 * Finds artefacts tagged with faultline run ids on the backends named by `targets` (targets seen in
 * journals tell the sweep where to look, e.g. which Toxiproxy APIs).
 */
export interface OrphanSweeper {
  readonly kind: string;
  find(targets: readonly Target[], ctx: CallContext): Promise<Orphan[]>;
}

/**
 * A probe observes the system. An unhealthy system is a normal observation (the expectation fails);
 * throw ProbeError only when the probe cannot evaluate (unreachable, timeout, empty result).
 */
export interface Probe<P = JsonObject> {
  /** The probe key in experiment files: 'http', 'prometheus', 'tcp'. */
  readonly kind: string;
  readonly paramsSchema: TSchema;
  readonly summary: string;
  observe(params: P, ctx: CallContext): Promise<Observation>;
}

/** What a backend package contributes. Apps combine plugins into a Registry. */
export interface ProviderPlugin {
  readonly name: string;
  readonly resolvers?: readonly TargetResolver<any>[];
  readonly faults?: readonly FaultProvider<any, any>[];
  readonly probes?: readonly Probe<any>[];
  readonly sweepers?: readonly OrphanSweeper[];
}

export interface Registry {
  readonly resolvers: ReadonlyMap<string, TargetResolver<any>>;
  readonly faults: ReadonlyMap<string, FaultProvider<any, any>>;
  readonly probes: ReadonlyMap<string, Probe<any>>;
  readonly sweepers: ReadonlyMap<string, OrphanSweeper>;
}

/** Combines plugins; a duplicate kind or type is a programming error and throws. */
export function createRegistry(plugins: readonly ProviderPlugin[]): Registry {
  const resolvers = new Map<string, TargetResolver<any>>();
  const faults = new Map<string, FaultProvider<any, any>>();
  const probes = new Map<string, Probe<any>>();
  const sweepers = new Map<string, OrphanSweeper>();
  const put = <T>(map: Map<string, T>, key: string, value: T, what: string, plugin: string) => {
    if (map.has(key)) throw new Error(`${what} "${key}" registered twice (second time by plugin ${plugin})`);
    map.set(key, value);
  };
  for (const p of plugins) {
    for (const r of p.resolvers ?? []) put(resolvers, r.kind, r, 'target kind', p.name);
    for (const f of p.faults ?? []) put(faults, f.type, f, 'fault type', p.name);
    for (const pr of p.probes ?? []) put(probes, pr.kind, pr, 'probe kind', p.name);
    for (const s of p.sweepers ?? []) put(sweepers, s.kind, s, 'sweeper', p.name);
  }
  return { resolvers, faults, probes, sweepers };
}

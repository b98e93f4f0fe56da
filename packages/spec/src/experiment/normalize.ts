import {
  defaultRevertPolicy, parseDuration,
  type BlastRadius, type Expectation, type Experiment, type FaultSpec, type GuardSpec, type Json, type JsonObject,
  type ProbeSpec, type RevertPolicy, type SelectionMode, type TargetSpec,
} from '@faultline/core';
import { guardFixedKeys, probeFixedKeys, targetFixedKeys } from '../schema/experiment-schema.js';
import { normalizeAnnotations, normalizeNotify } from './normalize-notify.js';

/** Defaults applied when a file leaves a key out. */
export const specDefaults = {
  mode: { type: 'all' } as SelectionMode,
  probeTimeoutMs: 2_000,
  guardEveryMs: 1_000,
  breachAfter: 1,
  settleMs: 0,
  afterMs: 0,
} as const;

type Obj = Record<string, any>;

const ms = (v: unknown): number => parseDuration(v as string);
const optMs = (v: unknown): number | undefined => (v === undefined ? undefined : ms(v));

/**
 * Turns a document that passed schema and semantic checks into the engine's model: durations in ms,
 * defaults filled in, kind keys split from their parameters. Only call it on validated documents.
 */
export function normalizeExperiment(doc: Obj): Experiment {
  const spec = doc['spec'] as Obj;
  const metadata = doc['metadata'] as Obj;
  const durationMs = ms(spec['duration']);
  const maxDurationMs = optMs(spec['maxDuration']);

  const targets: Record<string, TargetSpec> = {};
  for (const [name, entry] of Object.entries(spec['targets'] as Obj)) {
    const kind = kindOf(entry as Obj, targetFixedKeys);
    Object.defineProperty(targets, name, {
      value: { name, kind, selector: (entry as Obj)[kind] as JsonObject, mode: normalizeMode((entry as Obj)['mode']) },
      enumerable: true,
    });
  }

  return {
    apiVersion: 'faultline.dev/v1',
    kind: 'Experiment',
    metadata: { name: metadata['name'] as string, labels: { ...((metadata['labels'] as Record<string, string> | undefined) ?? {}) } },
    spec: {
      ...(spec['description'] !== undefined ? { description: spec['description'] as string } : {}),
      durationMs,
      targets,
      steadyState: ((spec['steadyState'] as Obj[] | undefined) ?? []).map((p) => normalizeProbe(p)),
      faults: (spec['faults'] as Obj[]).map(normalizeFault),
      guards: ((spec['guards'] as Obj[] | undefined) ?? []).map(normalizeGuard),
      blastRadius: normalizeBlastRadius(spec['blastRadius'] as Obj | undefined),
      settleMs: optMs(spec['settle']) ?? specDefaults.settleMs,
      revert: normalizeRevert(spec['revert'] as Obj | undefined),
      ...(maxDurationMs !== undefined ? { maxDurationMs } : {}),
      ...(Array.isArray(spec['notify']) && spec['notify'].length ? { notify: normalizeNotify(spec['notify'] as Obj[]) } : {}),
      ...(Array.isArray(spec['annotations']) && spec['annotations'].length ? { annotations: normalizeAnnotations(spec['annotations'] as Obj[]) } : {}),
    },
  };
}

function kindOf(entry: Obj, fixed: readonly string[]): string {
  return Object.keys(entry).find((k) => !fixed.includes(k)) as string;
}

function normalizeMode(mode: Obj | undefined): SelectionMode {
  if (!mode) return specDefaults.mode;
  const type = mode['type'] as SelectionMode['type'];
  return type === 'one' || type === 'all' ? { type } : { type, value: mode['value'] as number };
}

function normalizeProbe(entry: Obj, fixed: readonly string[] = probeFixedKeys, defaultTimeoutMs: number = specDefaults.probeTimeoutMs): ProbeSpec {
  const kind = kindOf(entry, fixed);
  return {
    name: entry['name'] as string,
    kind,
    with: entry[kind] as JsonObject,
    expect: normalizeExpectation(entry['expect'] as Obj),
    timeoutMs: optMs(entry['timeout']) ?? defaultTimeoutMs,
  };
}

/** One guard entry as core's GuardSpec (defaults filled in); the entry must be valid. */
export function normalizeGuard(entry: Obj): GuardSpec {
  const everyMs = optMs(entry['every']) ?? specDefaults.guardEveryMs;
  // A guard's probe must answer before the next tick, so the default timeout never exceeds `every`.
  const probe = normalizeProbe(entry, guardFixedKeys, Math.min(specDefaults.probeTimeoutMs, everyMs));
  return { ...probe, everyMs, breachAfter: (entry['breachAfter'] as number | undefined) ?? specDefaults.breachAfter };
}

function normalizeExpectation(e: Obj): Expectation {
  const out: { -readonly [K in keyof Expectation]: Expectation[K] } = {};
  if (e['below'] !== undefined) out.below = e['below'] as number;
  if (e['above'] !== undefined) out.above = e['above'] as number;
  if (e['between'] !== undefined) out.between = [e['between'][0] as number, e['between'][1] as number];
  if (e['equals'] !== undefined) out.equals = e['equals'] as Json;
  if (e['in'] !== undefined) out.in = e['in'] as Json[];
  if (e['matches'] !== undefined) out.matches = e['matches'] as string;
  if (e['status'] !== undefined) out.status = e['status'] as number | number[];
  if (e['latencyBelow'] !== undefined) out.latencyBelowMs = ms(e['latencyBelow']);
  return out;
}

function normalizeFault(f: Obj): FaultSpec {
  const forMs = optMs(f['for']);
  return {
    name: f['name'] as string,
    type: f['type'] as string,
    target: f['target'] as string,
    with: (f['with'] as JsonObject | undefined) ?? {},
    afterMs: optMs(f['after']) ?? specDefaults.afterMs,
    ...(forMs !== undefined ? { forMs } : {}),
  };
}

function normalizeBlastRadius(b: Obj | undefined): BlastRadius {
  if (!b) return {};
  const out: { -readonly [K in keyof BlastRadius]: BlastRadius[K] } = {};
  if (b['maxTargets'] !== undefined) out.maxTargets = b['maxTargets'] as number;
  if (b['maxPercent'] !== undefined) out.maxPercent = b['maxPercent'] as number;
  if (b['namespaces'] !== undefined) out.namespaces = [...(b['namespaces'] as string[])];
  if (b['requireLabel'] !== undefined) {
    const text = b['requireLabel'] as string;
    const eq = text.indexOf('=');
    out.requireLabel = { key: text.slice(0, eq), value: text.slice(eq + 1) };
  }
  if (b['allowKubeSystem'] !== undefined) out.allowKubeSystem = b['allowKubeSystem'] as boolean;
  return out;
}

function normalizeRevert(r: Obj | undefined): RevertPolicy {
  return {
    timeoutMs: optMs(r?.['timeout']) ?? defaultRevertPolicy.timeoutMs,
    maxAttempts: (r?.['maxAttempts'] as number | undefined) ?? defaultRevertPolicy.maxAttempts,
    initialBackoffMs: optMs(r?.['initialBackoff']) ?? defaultRevertPolicy.initialBackoffMs,
    maxBackoffMs: optMs(r?.['maxBackoff']) ?? defaultRevertPolicy.maxBackoffMs,
  };
}

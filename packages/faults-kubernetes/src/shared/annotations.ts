import { ProviderError, type Json } from '@faultline/core';

/** Label on everything Faultline creates or changes, so the orphan sweeper can list it by selector. */
export const RUN_LABEL = 'faultline.dev/run';
/** Annotation naming the fault on objects Faultline creates (NetworkPolicies, backup Secrets). */
export const FAULT_ANNOTATION = 'faultline.dev/fault';
/** On created objects: the target (JSON KubeRef) the artefact belongs to. */
export const TARGET_ANNOTATION = 'faultline.dev/target';
/** Human-readable original replica count (kubectl users look for it). */
export const ORIGINAL_REPLICAS_ANNOTATION = 'faultline.dev/original-replicas';

/** One JSON state annotation per fault type on the object it changed: what we set and what was there. */
export const stateAnnotation = {
  'kubernetes.scale': 'faultline.dev/scale',
  'kubernetes.config-flip': 'faultline.dev/config-flip',
  'kubernetes.cert-expiry': 'faultline.dev/cert-expiry',
} as const;
export type StatefulFault = keyof typeof stateAnnotation;

/** Every state annotation carries who owns it. */
export interface FaultState {
  readonly runId: string;
  readonly faultName: string;
}

interface Meta {
  name?: string;
  namespace?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
}

/** Reads a state annotation; a malformed one is reported, never guessed at. */
export function readState<S extends FaultState>(meta: Meta | undefined, fault: StatefulFault): S | undefined {
  const key = stateAnnotation[fault];
  const raw = meta?.annotations?.[key];
  if (raw === undefined) return undefined;
  try {
    const parsed = JSON.parse(raw) as S;
    if (typeof parsed.runId !== 'string' || typeof parsed.faultName !== 'string') throw new Error('missing runId or faultName');
    return parsed;
  } catch (err) {
    throw new ProviderError(`annotation ${key} on ${meta?.namespace}/${meta?.name} is not valid Faultline state (${(err as Error).message})`, {
      cause: err, hint: `inspect it, restore the object by hand if needed, then remove the annotation: kubectl annotate ... ${key}-`,
    });
  }
}

export const ownedBy = (s: FaultState | undefined, runId: string, faultName: string): boolean => s?.runId === runId && s.faultName === faultName;

/** Refuses to stack a second run's fault on an object another run still holds. */
export function assertNotHeldByOther(s: FaultState | undefined, runId: string, faultName: string, what: string): void {
  if (s && !ownedBy(s, runId, faultName)) {
    throw new ProviderError(`${what} is already under fault "${s.faultName}" of run ${s.runId}; refusing to stack another one on top`, {
      hint: `let run ${s.runId} finish or revert it (faultline recover), then try again`,
    });
  }
}

/**
 * Metadata part of a merge patch that sets (state) or clears (null) a fault's annotation, keeping the run
 * label while any other fault state remains on the object.
 */
export function stateMetadataPatch(opts: { meta: Meta | undefined; fault: StatefulFault; state: (FaultState & { [k: string]: Json }) | null; extra?: Record<string, string | null>; resourceVersion?: string }): Record<string, Json> {
  const key = stateAnnotation[opts.fault];
  const annotations: Record<string, Json> = { [key]: opts.state === null ? null : JSON.stringify(opts.state), ...(opts.extra ?? {}) };
  const others = Object.values(stateAnnotation).filter((k) => k !== key && opts.meta?.annotations?.[k] !== undefined);
  const labels: Record<string, Json> = { [RUN_LABEL]: opts.state === null ? (others.length ? opts.meta?.labels?.[RUN_LABEL] ?? null : null) : opts.state.runId };
  return { annotations, labels, ...(opts.resourceVersion ? { resourceVersion: opts.resourceVersion } : {}) };
}

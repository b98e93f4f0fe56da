import type { ErrorInfo } from './errors.js';
import type { Experiment } from './experiment.js';
import type { Json } from './json.js';
import type { Outcome, RunState } from './run-state.js';
import type { Target } from './target.js';
import type { FaultEffect } from './effect.js';

/**
 * A fault that was measured `ineffective` (FaultProvider.verify). The verdict lists them: the outcome
 * stays what the hypothesis says, but a run with one is never a plain pass (see DESIGN.md, verdicts).
 */
export interface IneffectiveFault {
  readonly fault: string;
  readonly targetId: string;
  readonly detail: string;
}

/** The resolved plan: which targets each fault hits and which blast-radius limits were checked. */
export interface RunPlan {
  readonly targets: readonly PlannedTarget[];
  readonly faults: readonly PlannedFault[];
  readonly limits: readonly LimitCheck[];
  readonly durationMs: number;
  /** Seed used for random selection modes, so the plan is reproducible. */
  readonly seed: number;
}

export interface PlannedTarget {
  readonly name: string;
  readonly kind: string;
  readonly mode: string;
  readonly candidates: number;
  readonly selected: readonly Target[];
}

export interface PlannedFault {
  readonly name: string;
  readonly type: string;
  readonly target: string;
  readonly afterMs: number;
  /** When the fault ends, relative to the hold start. */
  readonly untilMs: number;
  readonly params: Json;
  readonly summary: string;
}

export interface LimitCheck {
  readonly limit: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** One probe evaluation. `error` set means the probe could not evaluate (counts as a failure). */
export interface ProbeResult {
  readonly probe: string;
  readonly kind: string;
  readonly ok: boolean;
  readonly observed: Json;
  readonly expected: string;
  readonly reason: string;
  readonly error?: ErrorInfo;
  readonly latencyMs?: number;
  readonly status?: number;
  readonly durationMs: number;
}

export type AbortSource = 'guard' | 'signal' | 'halt' | 'budget' | 'api' | 'error';

export interface RunTimings {
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationMs: number;
  /** First probe result that made a guard breach (consecutive failures reached). */
  readonly breachAt?: string;
  readonly abortAt?: string;
  readonly allRevertedAt?: string;
  /** Breach observed -> abort decided. */
  readonly timeToAbortMs?: number;
  /** Abort decided (or hold end) -> every fault reverted. */
  readonly timeToRevertMs?: number;
  /** Breach observed -> every fault reverted: what the system actually endured. */
  readonly breachToRevertedMs?: number;
}

type E<T extends string, D> = { readonly type: T } & D;

/** Everything that happens in a run, in order. The journal is append-only; reports are built from it. */
export type JournalEventBody =
  | E<'run-created', { experiment: Experiment; source?: string; dryRun: boolean; host: string; pid: number }>
  | E<'plan', { plan: RunPlan }>
  | E<'transition', { from: RunState; to: RunState; reason?: string }>
  | E<'probe', { phase: 'before' | 'after' | 'guard'; result: ProbeResult; consecutiveFailures?: number; breachAfter?: number }>
  | E<'fault-injecting', { fault: string; faultType: string; target: Target; params: Json }>
  | E<'fault-injected', { fault: string; targetId: string; undo?: Json; durationMs: number }>
  | E<'fault-effect', { fault: string; targetId: string; effect: FaultEffect }>
  | E<'fault-inject-failed', { fault: string; targetId: string; error: ErrorInfo }>
  | E<'fault-reverting', { fault: string; targetId: string; attempt: number }>
  | E<'fault-reverted', { fault: string; targetId: string; attempt: number; durationMs: number; by?: 'run' | 'recover' | 'ttl' }>
  | E<'fault-revert-failed', { fault: string; targetId: string; attempt: number; error: ErrorInfo; retryInMs?: number }>
  | E<'guard-breach', { guard: string; consecutiveFailures: number; result: ProbeResult }>
  | E<'abort', { source: AbortSource; reason: string }>
  | E<'verdict', { outcome: Outcome; reason: string; timings: RunTimings; ineffective?: IneffectiveFault[] }>
  | E<'forced', { by: string; reason: string; faults: string[] }>
  | E<'note', { message: string; data?: Json }>;

export type JournalEventType = JournalEventBody['type'];

/** A stored journal event: sequence number per run, wall-clock time, run id. */
export type JournalEvent = JournalEventBody & { readonly seq: number; readonly at: string; readonly runId: string };

/** Where journal events go. `append` must be durable (fsync / committed) before it resolves. */
export interface JournalSink {
  append(runId: string, body: JournalEventBody): Promise<JournalEvent>;
}

/** Read access to stored runs, for recovery and reports. */
export interface JournalSource {
  /** Ids of runs whose last known state is not terminal (possibly dirty). */
  listUnfinishedRuns(): Promise<string[]>;
  read(runId: string): Promise<JournalEvent[]>;
}

/** A fault on one target as reconstructed from the journal. */
export interface FaultRecord {
  readonly fault: string;
  readonly faultType: string;
  readonly target: Target;
  readonly params: Json;
  readonly undo?: Json;
  readonly phase: 'injecting' | 'injected' | 'inject-failed' | 'reverting' | 'reverted' | 'revert-failed';
  readonly injectedAt?: string;
  readonly revertedAt?: string;
  readonly revertAttempts: number;
}

/** Replays a run's journal into per-target fault records, its current state and key timestamps. */
export function replayJournal(events: readonly JournalEvent[]): {
  state: RunState;
  records: FaultRecord[];
  experiment?: Experiment;
  outcome?: Outcome;
} {
  let state: RunState = 'pending';
  let experiment: Experiment | undefined;
  let outcome: Outcome | undefined;
  const records = new Map<string, FaultRecord>();
  const key = (fault: string, targetId: string) => `${fault}\u0000${targetId}`;
  for (const e of events) {
    switch (e.type) {
      case 'run-created':
        experiment = e.experiment;
        break;
      case 'transition':
        state = e.to;
        break;
      case 'fault-injecting':
        records.set(key(e.fault, e.target.id), {
          ...(records.get(key(e.fault, e.target.id)) ?? { revertAttempts: 0 }),
          fault: e.fault, faultType: e.faultType, target: e.target, params: e.params, phase: 'injecting',
        });
        break;
      case 'fault-injected': {
        const r = records.get(key(e.fault, e.targetId));
        if (r) records.set(key(e.fault, e.targetId), { ...r, phase: 'injected', injectedAt: e.at, ...(e.undo !== undefined ? { undo: e.undo } : {}) });
        break;
      }
      case 'fault-inject-failed': {
        const r = records.get(key(e.fault, e.targetId));
        if (r) records.set(key(e.fault, e.targetId), { ...r, phase: 'inject-failed' });
        break;
      }
      case 'fault-reverting': {
        const r = records.get(key(e.fault, e.targetId));
        if (r) records.set(key(e.fault, e.targetId), { ...r, phase: 'reverting', revertAttempts: e.attempt });
        break;
      }
      case 'fault-reverted': {
        const r = records.get(key(e.fault, e.targetId));
        if (r) records.set(key(e.fault, e.targetId), { ...r, phase: 'reverted', revertedAt: e.at });
        break;
      }
      case 'fault-revert-failed': {
        const r = records.get(key(e.fault, e.targetId));
        if (r) records.set(key(e.fault, e.targetId), { ...r, phase: 'revert-failed', revertAttempts: e.attempt });
        break;
      }
      case 'verdict':
        outcome = e.outcome;
        break;
      default:
        break;
    }
  }
  return { state, records: [...records.values()], ...(experiment ? { experiment } : {}), ...(outcome ? { outcome } : {}) };
}

/** Records that may still be active: anything written ahead but not confirmed reverted. */
export function possiblyActive(records: readonly FaultRecord[]): FaultRecord[] {
  // inject-failed counts too: the call may have reached the backend before it failed or timed out.
  return records.filter((r) => r.phase !== 'reverted');
}

import { exitCodeOf, type JournalEvent, type Outcome, type RunTimings } from '@faultline/core';
import { buildRunReport } from '@faultline/report';

/** What `-o json` prints for a run: one document, written once the run has its verdict. */
export interface RunResultDocument {
  readonly apiVersion: 'faultline.dev/v1';
  readonly kind: 'RunResult';
  readonly runId: string;
  readonly experiment: string;
  readonly outcome: Outcome;
  readonly reason: string;
  readonly exitCode: number;
  /** The run's timings, plus hold start/end from the journal. */
  readonly timings: RunTimings & { holdStartedAt?: string; holdEndedAt?: string };
  /** How long each state lasted, in order. */
  readonly phases: readonly { state: string; startedAt: string; durationMs?: number }[];
  /** `injectFailed`: targets whose inject reported an error (they are reverted all the same). */
  readonly counts: { readonly targets: number; readonly reverted: number; readonly injectFailed: number; readonly notReverted: number };
  /** One entry per fault and target. Any `outcome` but `reverted` means the fault may still be active there. */
  readonly targets: readonly TargetOutcome[];
  /** Faults the run could not confirm reverted (revert-pending): run `faultline recover`. */
  readonly pending: readonly { fault: string; target: string }[];
  /** Where the journal is (local runs) or the run's URL (controller runs). */
  readonly journal?: string;
  readonly url?: string;
}

export interface TargetOutcome {
  readonly fault: string;
  readonly faultType: string;
  readonly target: { id: string; kind: string; name: string; namespace?: string };
  readonly outcome: 'injecting' | 'injected' | 'inject-failed' | 'reverting' | 'reverted' | 'revert-failed';
  readonly injectedAt?: string;
  readonly injectMs?: number;
  readonly revertedAt?: string;
  readonly revertedBy?: string;
  readonly revertAttempts: number;
  /** The last error, if an inject or revert attempt failed. */
  readonly error?: string;
}

/** Builds the `-o json` document from the verdict and the run's journal events. */
export function runResultDocument(input: {
  runId: string;
  outcome: Outcome;
  reason: string;
  timings: RunTimings;
  /** Default: for revert-pending, every target the journal does not show reverted. */
  pending?: readonly { fault: string; target: string }[];
  events: readonly JournalEvent[];
  journal?: string;
  url?: string;
}): RunResultDocument {
  const report = input.events.length ? buildRunReport(input.events) : undefined;
  const targets: TargetOutcome[] = (report?.faults ?? []).map((f) => {
    const lastError = f.revert.errors.at(-1)?.error.message ?? f.inject.errors.at(-1)?.error.message;
    const { id, kind, name, namespace } = f.target;
    return {
      fault: f.fault, faultType: f.faultType, target: { id, kind, name, ...(namespace !== undefined ? { namespace } : {}) }, outcome: f.phase,
      ...(f.inject.injectedAt ? { injectedAt: f.inject.injectedAt } : {}),
      ...(f.inject.durationMs !== undefined ? { injectMs: f.inject.durationMs } : {}),
      ...(f.revert.revertedAt ? { revertedAt: f.revert.revertedAt } : {}),
      ...(f.revert.by ? { revertedBy: f.revert.by } : {}),
      revertAttempts: f.revert.attempts,
      ...(lastError !== undefined && f.phase !== 'reverted' ? { error: lastError } : {}),
    };
  });
  const hold = {
    ...(report?.timings.holdStartedAt ? { holdStartedAt: report.timings.holdStartedAt } : {}),
    ...(report?.timings.holdEndedAt ? { holdEndedAt: report.timings.holdEndedAt } : {}),
  };
  return {
    apiVersion: 'faultline.dev/v1',
    kind: 'RunResult',
    runId: input.runId,
    experiment: report?.experiment.name ?? '',
    outcome: input.outcome,
    reason: input.reason,
    exitCode: exitCodeOf(input.outcome, report?.ineffective),
    timings: { ...input.timings, ...hold },
    phases: (report?.phases ?? []).map((p) => ({ state: p.state, startedAt: p.startedAt, ...(p.durationMs !== undefined ? { durationMs: p.durationMs } : {}) })),
    counts: {
      targets: targets.length,
      reverted: targets.filter((t) => t.outcome === 'reverted').length,
      injectFailed: (report?.faults ?? []).filter((f) => f.inject.errors.length > 0).length,
      notReverted: targets.filter((t) => t.outcome !== 'reverted').length,
    },
    targets,
    pending: input.pending
      ?? (input.outcome === 'revert-pending' ? targets.filter((t) => t.outcome !== 'reverted').map((t) => ({ fault: t.fault, target: t.target.name })) : []),
    ...(input.journal ? { journal: input.journal } : {}),
    ...(input.url ? { url: input.url } : {}),
  };
}

import { describeExpectation, isTerminal, UsageError, type JournalEvent, type RunState } from '@faultline/core';
import { RUN_REPORT_SCHEMA_VERSION, type Expectation, type RunReport, type RunReportTimings } from '../report-schema.js';
import { FaultLedger, targetRef } from './faults.js';
import { buildPhases } from './phases.js';
import { GuardLedger, steadyStateResult } from './probes.js';
import { defined, later, msBetween } from './time.js';

type Of<T extends JournalEvent['type']> = Extract<JournalEvent, { type: T }>;

/**
 * Builds the JSON report of one run from its journal. Pure: the same events give the same report.
 * Tolerates unfinished runs (outcome `running`) and damaged journals (described in `warnings`).
 * Throws UsageError when the journal is empty or mixes several runs.
 */
export function buildRunReport(events: readonly JournalEvent[]): RunReport {
  const first = events[0];
  if (!first) {
    throw new UsageError('cannot build a run report from an empty journal', {
      hint: 'pass the events of one run (e.g. from JournalSource.read(runId)); check the run id and the state directory',
    });
  }
  const runIds = [...new Set(events.map((e) => e.runId))];
  if (runIds.length > 1) {
    throw new UsageError(`a run report covers one run, but the journal holds events of ${runIds.length} runs (${runIds.slice(0, 5).join(', ')})`, {
      hint: 'filter the events by runId before building the report',
    });
  }
  const warnings: string[] = [];
  const ordered = inSeqOrder(events, warnings);

  const created = ordered.find((e): e is Of<'run-created'> => e.type === 'run-created');
  if (!created) warnings.push('the journal has no run-created event; experiment details are unknown');
  const experiment = created?.experiment;
  const startedAt = created?.at ?? (ordered[0] as JournalEvent).at;

  const transitions: Of<'transition'>[] = [];
  const before: RunReport['steadyState']['before'] = [];
  const after: RunReport['steadyState']['after'] = [];
  const guards = new GuardLedger(experiment?.spec.guards ?? []);
  const faults = new FaultLedger(warnings);
  const forced: RunReport['forced'] = [];
  const notes: RunReport['notes'] = [];
  const byType: Record<string, number> = {};
  let plan: Of<'plan'> | undefined;
  let abort: Of<'abort'> | undefined;
  let breach: Of<'guard-breach'> | undefined;
  let verdict: Of<'verdict'> | undefined;

  for (const e of ordered) {
    byType[e.type] = (byType[e.type] ?? 0) + 1;
    switch (e.type) {
      case 'run-created':
        break;
      case 'plan':
        plan = e;
        break;
      case 'transition':
        transitions.push(e);
        break;
      case 'probe':
        if (e.phase === 'before') before.push(steadyStateResult(e));
        else if (e.phase === 'after') after.push(steadyStateResult(e));
        else guards.observe(e);
        break;
      case 'guard-breach':
        breach ??= e;
        guards.breach(e);
        break;
      case 'abort':
        abort ??= e;
        break;
      case 'verdict':
        verdict = e; // a revert-pending verdict can be followed by a final one after recovery
        break;
      case 'forced':
        forced.push({ at: e.at, by: e.by, reason: e.reason, faults: [...e.faults] });
        break;
      case 'note':
        notes.push({ at: e.at, message: e.message });
        break;
      default:
        faults.apply(e);
    }
  }

  const state: RunState = transitions.at(-1)?.to ?? 'pending';
  const phases = buildPhases(startedAt, transitions, warnings);
  const faultRows = faults.faults();
  const guardList = guards.list();
  if (!verdict) warnings.push(`the journal has no verdict yet; the run was last seen in "${state}"`);
  else if (verdict.outcome !== 'revert-pending' && verdict.outcome !== state && isTerminal(state)) {
    warnings.push(`the verdict says "${verdict.outcome}" but the last transition went to "${state}"`);
  }

  const endedAt = verdict?.at ?? (ordered.at(-1) as JournalEvent).at;
  const holdStartedAt = transitions.find((t) => t.to === 'holding')?.at;
  const holdEndedAt = transitions.find((t) => t.to === 'reverting')?.at;
  const breachAt = breach?.at ?? verdict?.timings.breachAt;
  const abortAt = abort?.at ?? verdict?.timings.abortAt;
  const allClean = faultRows.length > 0 && faultRows.every((f) => f.phase === 'reverted');
  const allRevertedAt = allClean ? faultRows.reduce<string | undefined>((acc, f) => later(acc, f.revert.revertedAt), undefined) : undefined;
  // Reverting starts from the abort when there was one before everything was gone, otherwise from the hold end.
  const revertFrom = abortAt && allRevertedAt && Date.parse(abortAt) <= Date.parse(allRevertedAt) ? abortAt : holdEndedAt;
  const breachedGuard = breach ? guardList.find((g) => g.name === breach?.guard) : undefined;
  const timings: RunReportTimings = defined({
    startedAt, endedAt, durationMs: msBetween(startedAt, endedAt), holdStartedAt, holdEndedAt, breachAt, abortAt, allRevertedAt,
    timeToDetectMs: breachedGuard?.breach?.timeToDetectMs,
    timeToAbortMs: breachAt && abortAt ? msBetween(breachAt, abortAt) : undefined,
    timeToRevertMs: revertFrom && allRevertedAt ? msBetween(revertFrom, allRevertedAt) : undefined,
    breachToRevertedMs: breachAt && allRevertedAt ? msBetween(breachAt, allRevertedAt) : undefined,
  });

  return defined({
    schemaVersion: RUN_REPORT_SCHEMA_VERSION,
    runId: first.runId,
    experiment: defined({
      name: experiment?.metadata.name ?? `run ${first.runId}`,
      description: experiment?.spec.description,
      labels: { ...(experiment?.metadata.labels ?? {}) },
      holdMs: experiment?.spec.durationMs,
      source: created?.source,
      steadyState: (experiment?.spec.steadyState ?? []).map((p) => ({
        name: p.name, kind: p.kind, expected: describeExpectation(p.expect), expectation: structuredClone(p.expect) as Expectation,
      })),
    }),
    host: created?.host,
    dryRun: created?.dryRun ?? false,
    state,
    outcome: verdict?.outcome ?? 'running',
    reason: verdict?.reason ?? `no verdict yet; the run was last seen in "${state}"`,
    ineffective: verdict?.ineffective?.length ? verdict.ineffective.map((x) => ({ ...x })) : undefined,
    abort: abort ? { at: abort.at, source: abort.source, reason: abort.reason } : undefined,
    timings,
    phases,
    plan: plan ? planReport(plan) : undefined,
    steadyState: { before, after },
    guards: guardList,
    faults: faultRows,
    targets: faults.targets(),
    forced,
    notes,
    warnings,
    events: defined({ count: ordered.length, byType, firstSeq: ordered[0]?.seq, lastSeq: ordered.at(-1)?.seq }),
  });
}

function planReport(e: Of<'plan'>): NonNullable<RunReport['plan']> {
  const { plan } = e;
  return {
    durationMs: plan.durationMs,
    seed: plan.seed,
    targets: plan.targets.map((t) => ({ name: t.name, kind: t.kind, mode: t.mode, candidates: t.candidates, selected: t.selected.map(targetRef) })),
    faults: plan.faults.map((f) => ({
      name: f.name, type: f.type, target: f.target, afterMs: f.afterMs, untilMs: f.untilMs, params: f.params, summary: f.summary,
    })),
    limits: plan.limits.map((l) => ({ limit: l.limit, ok: l.ok, detail: l.detail })),
  };
}

/** Journals are written in seq order; a merged or hand-edited one may not be. Sort, and say so. */
function inSeqOrder(events: readonly JournalEvent[], warnings: string[]): JournalEvent[] {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  if (sorted.some((e, i) => e !== events[i])) warnings.push('events were not in seq order; the report sorted them');
  for (let i = 1; i < sorted.length; i++) {
    if ((sorted[i] as JournalEvent).seq === (sorted[i - 1] as JournalEvent).seq) {
      warnings.push(`seq ${(sorted[i] as JournalEvent).seq} appears more than once`);
    }
  }
  return sorted;
}

import { formatDuration } from '@faultline/core';
import type { FaultTargetReport, RunReport, SteadyStateResult, TargetRef } from '../report-schema.js';
import { formatMs, formatTime, formatValue, offset } from '../text/format.js';

/** One JUnit test case. `result` absent = passed. */
export interface JUnitCase {
  readonly name: string;
  readonly classname: string;
  readonly timeMs: number;
  readonly result?: { readonly kind: 'failure' | 'error' | 'skipped'; readonly type: string; readonly message: string; readonly detail?: string };
}

/**
 * The checks a run made, as test cases, in the order they happened: steady state before, each inject,
 * each guard, each revert, steady state after, and the verdict (so an operator abort is never green).
 */
export function junitCases(report: RunReport): JUnitCase[] {
  const cls = (part: string) => `faultline.${report.experiment.name}.${part}`;
  const ended = `the run ended ${report.outcome === 'running' ? 'early' : report.outcome} in "${lastActivePhase(report)}"`;
  const cases: JUnitCase[] = [];

  for (const probe of steadyStateProbes(report, 'before')) {
    cases.push(steadyStateCase(`steady-state before: ${probe}`, cls('steady-state'), last(report.steadyState.before, probe),
      `not checked before injecting: ${ended}`, 'the steady state did not hold before injecting, so nothing was injected'));
  }

  const pairs = faultTargetPairs(report);
  for (const { fault, target, row, startMs } of pairs) {
    const name = `inject ${fault} on ${target.name}`;
    if (!row) {
      cases.push({ name, classname: cls('inject'), timeMs: 0, result: { kind: 'skipped', type: 'not-injected', message: `never injected (planned at +${formatDuration(startMs)}): ${ended}` } });
    } else if (row.inject.injectedAt === undefined) {
      const err = row.inject.errors.at(-1)?.error;
      cases.push({
        name, classname: cls('inject'), timeMs: 0,
        result: {
          kind: 'error', type: err?.code ?? 'FL_INTERNAL',
          message: err ? `inject failed after ${row.inject.attempts} attempt(s): ${err.code}: ${err.message}` : `inject of ${fault} on ${target.id} was started but never confirmed (the process may have stopped)`,
          detail: row.inject.errors.map((e) => `${e.at} ${e.error.code}: ${e.error.message}`).join('\n'),
        },
      });
    } else {
      cases.push({ name, classname: cls('inject'), timeMs: row.inject.durationMs ?? 0 });
    }
  }

  for (const g of report.guards) {
    const name = `guard: ${g.name}`;
    const timeMs = g.observations.reduce((s, o) => s + o.durationMs, 0);
    if (g.breach) {
      const b = g.breach;
      const failing = g.observations.filter((o) => !o.ok).map((o) => `${o.at} (${offset(report.timings.startedAt, o.at)}) observed ${formatValue(o.observed)}: ${o.reason}`);
      cases.push({
        name, classname: cls('guard'), timeMs,
        result: {
          kind: 'failure', type: 'guard-breach',
          message: `tripped at ${formatTime(b.at)} (${offset(report.timings.startedAt, b.at)}): observed ${formatValue(b.observed)}, expected ${b.expected} ` +
            `(${b.consecutiveFailures} consecutive failures; ${b.reason}); detected ${formatMs(b.timeToDetectMs)} after the first failing check`,
          detail: `failing checks:\n${failing.join('\n')}`,
        },
      });
    } else if (g.observations.length === 0) {
      cases.push({ name, classname: cls('guard'), timeMs: 0, result: { kind: 'skipped', type: 'not-evaluated', message: `never evaluated (guards run only while faults are active): ${ended}` } });
    } else {
      cases.push({ name, classname: cls('guard'), timeMs });
    }
  }

  for (const { fault, target, row } of pairs) {
    const name = `revert ${fault} on ${target.name}`;
    if (!row) {
      cases.push({ name, classname: cls('revert'), timeMs: 0, result: { kind: 'skipped', type: 'not-injected', message: 'nothing to revert: never injected' } });
    } else if (row.phase === 'reverted') {
      cases.push({ name, classname: cls('revert'), timeMs: row.revert.totalMs ?? row.revert.durationMs ?? 0 });
    } else {
      cases.push({ name, classname: cls('revert'), timeMs: row.revert.totalMs ?? 0, result: revertError(row) });
    }
  }

  for (const probe of steadyStateProbes(report, 'after')) {
    cases.push(steadyStateCase(`steady-state after: ${probe}`, cls('steady-state'), last(report.steadyState.after, probe),
      `not checked after reverting: ${ended}`, 'the system deviated from its steady state after the faults were reverted'));
  }

  cases.push(verdictCase(report, cls('run')));
  return cases;
}

function revertError(row: FaultTargetReport): NonNullable<JUnitCase['result']> {
  const err = row.revert.errors.at(-1)?.error;
  const where = `${row.fault} may still be active on ${row.target.name} (${row.target.id}); run \`faultline recover\` or remove it by hand`;
  return {
    kind: 'error', type: err?.code ?? 'FL_REVERT_PENDING',
    message: row.revert.attempts === 0
      ? `never reverted (no attempt journaled, last phase ${row.phase}): ${where}`
      : `not reverted after ${row.revert.attempts} attempt(s), last error ${err ? `${err.code}: ${err.message}` : 'unknown'}: ${where}`,
    detail: row.revert.errors.map((e) => `attempt ${e.attempt} at ${e.at}: ${e.error.code}: ${e.error.message}`).join('\n'),
  };
}

function steadyStateCase(name: string, classname: string, r: SteadyStateResult | undefined, notRun: string, meaning: string): JUnitCase {
  if (!r) return { name, classname, timeMs: 0, result: { kind: 'skipped', type: 'not-checked', message: notRun } };
  if (r.error) {
    return {
      name, classname, timeMs: r.durationMs,
      result: { kind: 'error', type: r.error.code, message: `could not be evaluated: ${r.error.code}: ${r.error.message} (expected ${r.expected})`, detail: meaning },
    };
  }
  if (!r.ok) {
    return {
      name, classname, timeMs: r.durationMs,
      result: { kind: 'failure', type: 'steady-state', message: `observed ${formatValue(r.observed)}, expected ${r.expected}: ${r.reason}`, detail: meaning },
    };
  }
  return { name, classname, timeMs: r.durationMs };
}

function verdictCase(report: RunReport, classname: string): JUnitCase {
  const base = { name: 'verdict', classname, timeMs: report.timings.durationMs };
  switch (report.outcome) {
    case 'completed':
      // Held, but with a fault that did not take: the hypothesis was not tested, so CI must not show green.
      if (report.ineffective?.length) return { ...base, result: { kind: 'failure', type: 'ineffective-fault', message: report.reason } };
      return base;
    case 'deviated':
    case 'aborted':
      return { ...base, result: { kind: 'failure', type: report.outcome, message: `${report.outcome}: ${report.reason}` } };
    default:
      return { ...base, result: { kind: 'error', type: report.outcome, message: `${report.outcome}: ${report.reason}` } };
  }
}

function steadyStateProbes(report: RunReport, phase: 'before' | 'after'): string[] {
  // Declared probes first (so a check that never ran shows as skipped), then any only the journal knows.
  const results = phase === 'before' ? report.steadyState.before : report.steadyState.after;
  return [...new Set([...report.experiment.steadyState.map((p) => p.name), ...results.map((r) => r.probe)])];
}

function last(results: readonly SteadyStateResult[], probe: string): SteadyStateResult | undefined {
  return results.filter((r) => r.probe === probe).at(-1);
}

function lastActivePhase(report: RunReport): string {
  const phases = report.phases.filter((p) => !['completed', 'deviated', 'aborted', 'failed', 'revert-pending'].includes(p.state));
  return phases.at(-1)?.state ?? report.state;
}

/** Every planned (fault, target) pair, then any the journal shows that the plan did not list. */
function faultTargetPairs(report: RunReport): Array<{ fault: string; target: TargetRef; row?: FaultTargetReport; startMs: number }> {
  const rows = new Map(report.faults.map((r) => [`${r.fault}\u0000${r.target.id}`, r]));
  const out: Array<{ fault: string; target: TargetRef; row?: FaultTargetReport; startMs: number }> = [];
  for (const f of report.plan?.faults ?? []) {
    for (const target of report.plan?.targets.find((t) => t.name === f.target)?.selected ?? []) {
      const k = `${f.name}\u0000${target.id}`;
      const row = rows.get(k);
      rows.delete(k);
      out.push(row ? { fault: f.name, target, row, startMs: f.afterMs } : { fault: f.name, target, startMs: f.afterMs });
    }
  }
  for (const row of rows.values()) out.push({ fault: row.fault, target: row.target, row, startMs: 0 });
  return out;
}

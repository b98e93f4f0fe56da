import type { DayReport, StepReport } from './build-day-report.js';

/** One step across several days: what each day did with it. */
export interface ComparedStep {
  index: number;
  title: string;
  kind: StepReport['kind'];
  /** One cell per day, in the order of `days`; absent when that day has no such step. */
  cells: ({ status: StepReport['status']; expected?: string; outcome?: string; matched?: boolean; timeToDetectMs?: number; timeToRevertMs?: number; answer?: string } | undefined)[];
  /** True when every day that has the step ended it the same way (status and, for experiments, verdict). */
  same: boolean;
}

export interface DaysComparison {
  schemaVersion: 1;
  days: { dayId: string; name: string; outcome: DayReport['outcome']; reason: string; startedAt: string; durationMs: number; origin?: DayReport['origin'] }[];
  steps: ComparedStep[];
  /** Step titles differ between days at the same position (different plans): the comparison is by position. */
  warnings: string[];
  /** The full report of each day, in order. */
  reports: DayReport[];
}

/**
 * Several days side by side (a quarterly series, a day and its reruns): days in start order, steps by
 * position, each step's status, verdict and times per day, and whether the days agree on it.
 */
export function compareDays(reports: readonly DayReport[]): DaysComparison {
  if (reports.length === 0) throw new Error('no game days to compare');
  const days = [...reports].sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.dayId.localeCompare(b.dayId));
  const width = Math.max(...days.map((d) => d.steps.length));
  const warnings: string[] = [];
  const steps: ComparedStep[] = [];
  for (let i = 0; i < width; i++) {
    const present = days.map((d) => d.steps[i]);
    const first = present.find((s) => s !== undefined) as StepReport;
    const titles = new Set(present.filter((s) => s).map((s) => s?.title));
    if (titles.size > 1) warnings.push(`step ${i + 1} has different titles across the days (${[...titles].join(' / ')}); compared by position`);
    const cells = present.map((s) => s && {
      status: s.status,
      ...(s.experiment ? {
        expected: s.experiment.expected,
        ...(s.experiment.outcome ? { outcome: s.experiment.outcome } : {}),
        ...(s.experiment.matched !== undefined ? { matched: s.experiment.matched } : {}),
        ...(s.experiment.timeToDetectMs !== undefined ? { timeToDetectMs: s.experiment.timeToDetectMs } : {}),
        ...(s.experiment.timeToRevertMs !== undefined ? { timeToRevertMs: s.experiment.timeToRevertMs } : {}),
      } : {}),
      ...(s.gate?.answer ? { answer: s.gate.answer } : {}),
    });
    const keys = new Set(cells.filter((c) => c).map((c) => `${c?.status}|${c?.outcome ?? ''}|${c?.answer ?? ''}`));
    steps.push({ index: i, title: first.title, kind: first.kind, cells, same: keys.size <= 1 });
  }
  return {
    schemaVersion: 1,
    days: days.map((d) => ({ dayId: d.dayId, name: d.name, outcome: d.outcome, reason: d.reason, startedAt: d.startedAt, durationMs: d.durationMs, ...(d.origin ? { origin: d.origin } : {}) })),
    steps,
    warnings,
    reports: days,
  };
}

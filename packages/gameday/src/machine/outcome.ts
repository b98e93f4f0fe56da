import type { DayOutcome, GameDay, StepStatus } from '../model.js';

/**
 * The verdict of a day that ran to its end: passed only when every experiment step that ran ended with
 * its expected verdict. The reason counts what happened, so it is true whatever the mix.
 */
export function decideOutcome(day: GameDay, statuses: ReadonlyMap<number, StepStatus>): { outcome: DayOutcome; reason: string } {
  const experiments = day.spec.steps.filter((s) => s.kind === 'experiment');
  const count = (st: StepStatus) => experiments.filter((s) => statuses.get(s.index) === st).length;
  const passed = count('passed');
  const failed = count('failed');
  const aborted = count('aborted');
  const skipped = count('skipped') + count('not-run');
  const parts = [`${passed} of ${experiments.length} experiment step(s) ended as expected`];
  if (failed) parts.push(`${failed} did not`);
  if (aborted) parts.push(`${aborted} aborted`);
  if (skipped) parts.push(`${skipped} skipped`);
  const outcome: DayOutcome = failed || aborted ? 'failed' : 'passed';
  return { outcome, reason: parts.join(', ') };
}

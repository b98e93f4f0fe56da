import { withDeadline } from '@faultline/core';
import type { Calendar } from '../calendar/calendar.js';
import type { Schedule, SkipReason } from '../spec/schedule.js';
import { skipReasonsAt } from './candidates.js';

/** What decideFire needs from the outside world. */
export interface FireContext {
  /** The global kill switch. */
  isHalted(): Promise<boolean>;
  /** The id of a run of this schedule that has not finished, if any. */
  activeRunOf(scheduleId: string): Promise<string | undefined>;
  /** Parsed calendars of the schedule (see loadCalendars); may be omitted for inline-only schedules. */
  readonly calendars?: readonly Calendar[];
  /** The slot being fired; when given, a fire more than startingDeadline late is skipped. */
  readonly slot?: Date;
  /** Id passed to activeRunOf; default metadata.name. */
  readonly scheduleId?: string;
  /** Timeout for each of isHalted / activeRunOf. Default 5 s. */
  readonly timeoutMs?: number;
}

export type FireDecision =
  | { readonly decision: 'start' }
  | { readonly decision: 'skip'; readonly reason: SkipReason; readonly detail?: string };

/**
 * The last check before a scheduled run starts, made at `now` (not at the slot time, so a late fire
 * still respects windows and calendars): paused, window, blackout dates, calendars, starting
 * deadline, global halt, and the concurrency policy (`forbid` skips while a run of this schedule is
 * active). Rejects with TimeoutError when isHalted/activeRunOf hang: the caller retries later rather
 * than firing blind.
 */
export async function decideFire(schedule: Schedule, now: Date, ctx: FireContext): Promise<FireDecision> {
  const reasons = skipReasonsAt(schedule, now.getTime(), ctx.calendars);
  if (reasons.length > 0) return { decision: 'skip', reason: reasons[0] as SkipReason };
  if (ctx.slot && now.getTime() - ctx.slot.getTime() > schedule.spec.startingDeadlineMs) {
    return { decision: 'skip', reason: 'missed-deadline', detail: `${now.getTime() - ctx.slot.getTime()}ms late` };
  }
  const timeoutMs = ctx.timeoutMs ?? 5000;
  const name = schedule.metadata.name;
  if (await withDeadline(`halt check for schedule "${name}"`, timeoutMs, () => ctx.isHalted())) {
    return { decision: 'skip', reason: 'halted' };
  }
  if (schedule.spec.concurrencyPolicy === 'forbid') {
    const scheduleId = ctx.scheduleId ?? name;
    const active = await withDeadline(`active-run check for schedule "${name}"`, timeoutMs, () => ctx.activeRunOf(scheduleId));
    if (active !== undefined) return { decision: 'skip', reason: 'previous-run-active', detail: `run ${active} is still active` };
  }
  return { decision: 'start' };
}

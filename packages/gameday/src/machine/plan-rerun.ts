import { ConflictError, UsageError } from '@faultline/core';
import type { GameDay } from '../model.js';
import type { DayEvent, DayOrigin } from '../journal/day-events.js';
import { replayDay } from '../journal/replay-day.js';

export interface RerunPlan {
  /** The past day's plan exactly as it ran (experiment files already resolved into it). */
  day: GameDay;
  origin: DayOrigin;
  /** As the past day was started. */
  unattended: boolean;
}

/**
 * A new day from a past day's journal: `clone` runs every step again; `rerun` starts at `fromStep`
 * (0-based), by default at the first step that failed, was aborted or did not run. The plan comes from
 * the past day's `day-created` entry, so the same resolved experiments run again even if the files on
 * disk changed since. Refuses a day that has not ended (resume it instead).
 */
export function planRerun(dayId: string, events: readonly DayEvent[], opts: { kind: 'rerun' | 'clone'; fromStep?: number }): RerunPlan {
  const replayed = replayDay(events);
  const created = events.find((e) => e.type === 'day-created');
  if (!replayed.day || created?.type !== 'day-created') throw new ConflictError(`game day ${dayId} has no day-created entry; its journal is damaged`);
  if (!replayed.ended) throw new ConflictError(`game day ${dayId} has not ended`, { hint: 'resume it (`faultline gameday resume`) or wait until it ends' });
  const steps = replayed.day.spec.steps;
  let fromStep = opts.kind === 'clone' ? 0 : opts.fromStep;
  if (fromStep === undefined) {
    const first = steps.find((s) => ['failed', 'aborted', 'not-run'].includes(replayed.statuses.get(s.index) ?? 'not-run'));
    if (!first) throw new UsageError(`game day ${dayId} has no failed, aborted or unrun step to rerun from`, { hint: 'pass the step (--from-step N), or clone the whole day' });
    fromStep = first.index;
  }
  if (!Number.isInteger(fromStep) || fromStep < 0 || fromStep >= steps.length) {
    throw new UsageError(`step ${fromStep + 1} does not exist in game day ${dayId} (it has ${steps.length} step${steps.length === 1 ? '' : 's'})`, { hint: `pick a step from 1 to ${steps.length}` });
  }
  return { day: replayed.day, origin: { kind: opts.kind, dayId, fromStep }, unattended: created.unattended };
}

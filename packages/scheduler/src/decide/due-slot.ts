import type { Calendar } from '../calendar/calendar.js';
import type { Schedule } from '../spec/schedule.js';
import { scanCandidates, type Candidate } from './candidates.js';

/** What to do about the slots that came due since the last one handled. */
export interface DueSlot {
  /** The newest due `fire` candidate; older ones are never fired (no backlog). */
  readonly candidate: Candidate;
  /** How late we are for it: now - slot. */
  readonly lateMs: number;
  /** Older due fire slots that were superseded by `candidate` (downtime). */
  readonly missed: number;
  /** `fire`: start it (late, once). `skip`: later than the schedule's startingDeadline. */
  readonly decision: 'fire' | 'skip';
  readonly reason?: 'missed-deadline';
}

/** After long downtime only this much history is scanned; older missed slots are not counted. */
export const MAX_CATCH_UP_MS = 35 * 86_400_000;

/**
 * The slot to act on at `now`, given that every slot up to and including `after` was handled.
 * Only the newest due slot counts: it fires if it is at most `startingDeadline` late, otherwise it is
 * skipped with `missed-deadline`. Older due slots are reported in `missed` and never fired.
 * Undefined when nothing came due.
 */
export function resolveDueSlot(
  schedule: Schedule,
  options: { readonly after: Date; readonly now: Date; readonly calendars?: readonly Calendar[] },
): DueSlot | undefined {
  const now = options.now.getTime();
  const from = Math.max(options.after.getTime() + 1, now - MAX_CATCH_UP_MS);
  let latest: Candidate | undefined;
  let count = 0;
  for (const c of scanCandidates(schedule, from, now + 1, options.calendars)) {
    if (c.decision !== 'fire') continue;
    latest = c;
    count++;
  }
  if (!latest) return undefined;
  const lateMs = now - latest.at.getTime();
  const base = { candidate: latest, lateMs, missed: count - 1 };
  return lateMs > schedule.spec.startingDeadlineMs ? { ...base, decision: 'skip', reason: 'missed-deadline' } : { ...base, decision: 'fire' };
}

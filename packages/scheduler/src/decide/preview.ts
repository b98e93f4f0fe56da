import type { Calendar } from '../calendar/calendar.js';
import type { Schedule, SkipReason } from '../spec/schedule.js';
import { nextFireTimes, type Candidate } from './candidates.js';

/** A run of consecutive skipped candidates with the same reason. */
export interface SkippedRange {
  readonly reason: SkipReason;
  /** First and last skipped candidate of the run (equal when count is 1). */
  readonly from: Date;
  readonly to: Date;
  readonly fromLocal: string;
  readonly toLocal: string;
  readonly count: number;
}

export interface PreviewFire {
  readonly at: Date;
  readonly local: string;
  readonly dst?: Candidate['dst'];
}

/** What the CLI and REST API show for a schedule: when it fires next, and why the other slots do not. */
export interface SchedulePreview {
  readonly schedule: string;
  readonly timeZone: string;
  readonly fires: readonly PreviewFire[];
  /** In time order, interleaved with the fires. */
  readonly skipped: readonly SkippedRange[];
  /** True when `limit` or `maxCandidates` stopped the scan before `to`. */
  readonly truncated: boolean;
}

/**
 * The next fire times in [from, to) plus the reason each other candidate is skipped, grouped into
 * ranges of consecutive candidates with the same reason ("2026-12-24 10:00 .. 16:30, 14 slots: holiday: Christmas Eve").
 */
export function preview(
  schedule: Schedule,
  options: { readonly from: Date; readonly to: Date; readonly calendars?: readonly Calendar[]; readonly limit?: number; readonly maxCandidates?: number },
): SchedulePreview {
  const limit = options.limit ?? 20;
  const maxCandidates = options.maxCandidates ?? 5000;
  const candidates = nextFireTimes(schedule, { ...options, limit, maxCandidates });
  const fires: PreviewFire[] = [];
  const skipped: Array<{ -readonly [K in keyof SkippedRange]: SkippedRange[K] }> = [];
  let open = false;
  for (const c of candidates) {
    if (c.decision === 'fire') {
      fires.push({ at: c.at, local: c.local, ...(c.dst ? { dst: c.dst } : {}) });
      open = false;
      continue;
    }
    const last = skipped.at(-1);
    if (open && last && last.reason === c.reason) {
      last.to = c.at;
      last.toLocal = c.local;
      last.count++;
    } else {
      skipped.push({ reason: c.reason as SkipReason, from: c.at, to: c.at, fromLocal: c.local, toLocal: c.local, count: 1 });
      open = true;
    }
  }
  const last = candidates.at(-1);
  const truncated = fires.length >= limit || candidates.length >= maxCandidates;
  return {
    schedule: schedule.metadata.name,
    timeZone: schedule.spec.timeZone,
    fires,
    skipped,
    truncated: truncated && last !== undefined,
  };
}

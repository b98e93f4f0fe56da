import type { CivilDate, LocalTime } from './zone-time.js';
import { formatDate, previousDate, weekdayOf } from './zone-time.js';

/** A window with times as minutes of the day; `end` > 1440 marks a window that wraps past midnight. */
export interface CompiledWindow {
  /** Cron weekday numbers (0 = Sunday) the window starts on. */
  readonly days: ReadonlySet<number>;
  readonly startMinute: number;
  /** Minutes after the start day's midnight: up to 1440 for same-day windows, up to 2880 for wrapped ones. */
  readonly endMinute: number;
}

export type WindowStatus =
  | { readonly inWindow: true; /** Local date the window started on (the day before, for the small hours of a wrapped window). */ readonly windowDate: string }
  | { readonly inWindow: false; readonly reason: 'outside-window' | 'weekend' | 'not-a-window-day' };

/** Parses `HH:MM` (and `24:00` when `allow24`) to minutes; undefined when malformed. */
export function parseClock(text: string, allow24 = false): number | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (m) return Number(m[1]) * 60 + Number(m[2]);
  return allow24 && text === '24:00' ? 1440 : undefined;
}

/** Where a local time stands against the windows. No windows means always inside. */
export function windowStatus(windows: readonly CompiledWindow[], local: LocalTime): WindowStatus {
  if (windows.length === 0) return { inWindow: true, windowDate: local.date };
  const prevWeekday = (local.weekday + 6) % 7;
  for (const w of windows) {
    if (w.days.has(local.weekday) && local.minuteOfDay >= w.startMinute && local.minuteOfDay < Math.min(w.endMinute, 1440)) {
      return { inWindow: true, windowDate: local.date };
    }
    if (w.endMinute > 1440 && w.days.has(prevWeekday) && local.minuteOfDay < w.endMinute - 1440) {
      return { inWindow: true, windowDate: formatDate(previousDate(local)) };
    }
  }
  if (windows.some((w) => w.days.has(local.weekday))) return { inWindow: false, reason: 'outside-window' };
  return { inWindow: false, reason: local.weekday === 0 || local.weekday === 6 ? 'weekend' : 'not-a-window-day' };
}

/**
 * The minutes (relative to the date's midnight, possibly past 1440) covered by windows that START on
 * `date`, merged and sorted. No windows means the whole day.
 */
export function windowIntervalsOn(windows: readonly CompiledWindow[], date: CivilDate): Array<[number, number]> {
  if (windows.length === 0) return [[0, 1440]];
  const wd = weekdayOf(date);
  const raw = windows.filter((w) => w.days.has(wd)).map((w) => [w.startMinute, w.endMinute] as [number, number]);
  raw.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const iv of raw) {
    const last = merged.at(-1);
    if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
    else merged.push([iv[0], iv[1]]);
  }
  return merged;
}

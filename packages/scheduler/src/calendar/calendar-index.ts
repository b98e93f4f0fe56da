import rrule from 'rrule';
import { formatDate, offsetMinutes, toLocal, wallToInstant } from '../time/zone-time.js';
import type { Calendar, CalendarEvent, IcsTime } from './calendar.js';

const DAY_MS = 86_400_000;

/** Occurrences of one calendar overlapping one local year, read in one zone. */
interface YearOccurrences {
  /** All-day: local dates [from, to) as `YYYY-MM-DD`. */
  readonly allDay: ReadonlyArray<{ readonly from: string; readonly to: string; readonly summary: string }>;
  /** Timed: instants [startMs, endMs). */
  readonly timed: ReadonlyArray<{ readonly startMs: number; readonly endMs: number; readonly summary: string }>;
}

// Expansions are cached per calendar object, zone and year: calendars are immutable once parsed.
const cache = new WeakMap<Calendar, Map<string, YearOccurrences>>();

/**
 * The summary of the first event (in calendar order) that blocks `ms`, or undefined.
 * All-day events block their whole local days in `zone`; `extraDates` (the day a wrapped window
 * started) are checked against all-day events too. Timed events block [start, end).
 */
export function blockingEvent(
  calendars: readonly Calendar[],
  zone: string,
  ms: number,
  extraDates: readonly string[] = [],
): string | undefined {
  if (calendars.length === 0) return undefined;
  const local = toLocal(zone, ms);
  const dates = extraDates.includes(local.date) ? extraDates : [local.date, ...extraDates];
  for (const cal of calendars) {
    const occ = occurrencesOfYear(cal, zone, local.year);
    for (const a of occ.allDay) {
      for (const d of dates) if (a.from <= d && d < a.to) return a.summary;
    }
    for (const t of occ.timed) if (t.startMs <= ms && ms < t.endMs) return t.summary;
  }
  return undefined;
}

/** Every occurrence overlapping the local year `year` (with a week of margin on both sides). */
export function occurrencesOfYear(cal: Calendar, zone: string, year: number): YearOccurrences {
  let byKey = cache.get(cal);
  if (!byKey) {
    byKey = new Map();
    cache.set(cal, byKey);
  }
  const key = `${zone}|${year}`;
  const hit = byKey.get(key);
  if (hit) return hit;
  const built = expandYear(cal, zone, year);
  byKey.set(key, built);
  return built;
}

function expandYear(cal: Calendar, zone: string, year: number): YearOccurrences {
  const fromFloat = Date.UTC(year, 0, 1) - 7 * DAY_MS;
  const toFloat = Date.UTC(year + 1, 0, 1) + 7 * DAY_MS;
  const allDay: Array<{ from: string; to: string; summary: string }> = [];
  const timed: Array<{ startMs: number; endMs: number; summary: string }> = [];

  const overrides = new Map<string, CalendarEvent[]>();
  for (const ev of cal.events) {
    if (!ev.recurrenceId) continue;
    const list = overrides.get(ev.uid) ?? [];
    list.push(ev);
    overrides.set(ev.uid, list);
  }

  const add = (ev: CalendarEvent, startFloat: number) => {
    if (startFloat + ev.durationMs < fromFloat || startFloat > toFloat) return;
    if (ev.start.allDay) {
      const days = Math.max(1, Math.round(ev.durationMs / DAY_MS));
      allDay.push({ from: floatDate(startFloat), to: floatDate(startFloat + days * DAY_MS), summary: ev.summary });
    } else if (ev.durationMs > 0) {
      const startMs = instantOf(startFloat, ev.start.zone, zone);
      const endMs = instantOf(startFloat + ev.durationMs, ev.start.zone, zone);
      timed.push({ startMs, endMs: Math.max(endMs, startMs), summary: ev.summary });
    }
  };

  for (const ev of cal.events) {
    if (ev.recurrenceId) {
      if (!ev.cancelled) add(ev, ev.start.floatingMs);
      continue;
    }
    if (ev.cancelled) continue;
    const replaced = new Set<number>();
    for (const o of overrides.get(ev.uid) ?? []) replaced.add(wallIn(o.recurrenceId as IcsTime, ev.start));
    for (const x of ev.exdates) replaced.add(wallIn(x, ev.start));
    const starts = new Set<number>([ev.start.floatingMs, ...ev.rdates.map((r) => wallIn(r, ev.start))]);
    if (ev.rrule) {
      for (const d of expandRule(ev, fromFloat - ev.durationMs, toFloat)) starts.add(d);
    }
    for (const s of starts) if (!replaced.has(s) && !(ev.start.allDay && replaced.has(dayOf(s)))) add(ev, s);
  }
  return { allDay, timed };
}

/** Occurrence starts of an RRULE, as floating wall-clock ms, between two floating bounds. */
function expandRule(ev: CalendarEvent, fromFloat: number, toFloat: number): number[] {
  const options = rrule.RRule.parseString(ev.rrule as string);
  if (options.until && /UNTIL=\d{8}T\d{6}Z/i.test(ev.rrule as string) && ev.start.zone && ev.start.zone !== 'UTC') {
    // A UTC UNTIL bounds the real instant; expansion runs on the event's wall clock.
    const ms = options.until.getTime();
    options.until = new Date(ms + offsetMinutes(ev.start.zone, ms) * 60_000);
  }
  // rrule works on UTC fields when no tzid is given, which is exactly the floating wall clock.
  const rule = new rrule.RRule({ ...options, dtstart: new Date(ev.start.floatingMs), tzid: null });
  return rule.between(new Date(fromFloat), new Date(toFloat), true).map((d) => d.getTime());
}

/** Reads `t` on the wall clock `ref` uses (EXDATEs are sometimes written in UTC for a zoned event). */
function wallIn(t: IcsTime, ref: IcsTime): number {
  if (t.zone === ref.zone || t.zone === undefined || ref.zone === undefined || t.allDay) return t.floatingMs;
  const instant = t.zone === 'UTC' ? t.floatingMs : wallToInstant(t.zone, floatCivil(t.floatingMs), floatMinute(t.floatingMs)).ms;
  return ref.zone === 'UTC' ? instant : instant + offsetMinutes(ref.zone, instant) * 60_000;
}

function instantOf(floatingMs: number, eventZone: string | undefined, scheduleZone: string): number {
  const zone = eventZone ?? scheduleZone;
  if (zone === 'UTC') return floatingMs;
  const seconds = Math.floor((floatingMs % 60_000) / 1000);
  return wallToInstant(zone, floatCivil(floatingMs), floatMinute(floatingMs), seconds).ms;
}

function floatCivil(ms: number): { year: number; month: number; day: number } {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function floatMinute(ms: number): number {
  const d = new Date(ms);
  return d.getUTCHours() * 60 + d.getUTCMinutes();
}

function floatDate(ms: number): string {
  return formatDate(floatCivil(ms));
}

function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

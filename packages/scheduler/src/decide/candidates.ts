import { UsageError } from '@faultline/core';
import { blockingEvent } from '../calendar/calendar-index.js';
import type { Calendar } from '../calendar/calendar.js';
import { inlineCalendar } from '../calendar/load-calendars.js';
import type { Schedule, SkipReason } from '../spec/schedule.js';
import { cronMatchesDay } from '../time/cron.js';
import { seededPick } from '../time/random-slot.js';
import { windowIntervalsOn, windowStatus } from '../time/windows.js';
import {
  formatDate, formatLocal, nextDate, offsetMinutes, previousDate, toLocal, wallToInstant, weekdayOf,
  type CivilDate, type WallResolution,
} from '../time/zone-time.js';
import { compileSchedule, type CompiledSchedule } from './compiled-schedule.js';

/** One moment the schedule would fire at, and whether it does. */
export interface Candidate {
  readonly at: Date;
  /** `at` on the schedule's wall clock, with offset: `2026-03-29T03:00:00+02:00`. */
  readonly local: string;
  readonly decision: 'fire' | 'skip';
  /** The first of `reasons` (precedence: paused, window, blackout date, holiday). */
  readonly reason?: SkipReason;
  readonly reasons: readonly SkipReason[];
  /** Set when daylight saving moved the slot: how, and the wall time the schedule asked for (`02:30`). */
  readonly dst?: { readonly resolution: Exclude<WallResolution, 'exact'>; readonly nominal: string };
}

export interface CandidateOptions {
  /** Inclusive. */
  readonly from: Date;
  /** Exclusive. Default: one year after `from`. */
  readonly to?: Date;
  /**
   * Parsed calendars of this schedule (loadCalendars). May be omitted when the schedule has only
   * inline calendars or none; a schedule with calendar files needs them loaded first.
   */
  readonly calendars?: readonly Calendar[];
  /** Stop after this many `fire` candidates. Default 100. */
  readonly limit?: number;
  /** Stop after this many candidates in total (bounds the work for dense crons). Default 5000. */
  readonly maxCandidates?: number;
}

interface Slot {
  readonly ms: number;
  readonly resolution: WallResolution;
  readonly nominalMinute: number;
  /** A day without any window (random-in-window): no slot that day, reported as this reason. */
  readonly forced?: 'weekend' | 'not-a-window-day';
}

const DAY_MS = 86_400_000;
const YEAR_MS = 366 * DAY_MS;

/**
 * Candidate fire times in [from, to), each with its decision. Pure: the same schedule, range and
 * calendars always give the same answer. Daylight saving follows wallToInstant: a slot in the skipped
 * hour fires once at the first instant after the gap (several such slots collapse into one), a slot in
 * the repeated hour fires once, at its first occurrence.
 */
export function nextFireTimes(schedule: Schedule, options: CandidateOptions): Candidate[] {
  const limit = options.limit ?? 100;
  const maxCandidates = options.maxCandidates ?? 5000;
  const out: Candidate[] = [];
  let fires = 0;
  const from = options.from.getTime();
  const to = options.to?.getTime() ?? from + YEAR_MS;
  for (const c of scanCandidates(schedule, from, to, options.calendars)) {
    out.push(c);
    if (c.decision === 'fire') fires++;
    if (fires >= limit || out.length >= maxCandidates) break;
  }
  return out;
}

/** Lazily yields every candidate in [fromMs, toMs), in time order. */
export function* scanCandidates(
  schedule: Schedule,
  fromMs: number,
  toMs: number,
  calendars?: readonly Calendar[],
): Generator<Candidate> {
  const compiled = compileSchedule(schedule);
  const cals = resolveCalendars(schedule, calendars);
  for (const slot of slots(compiled, fromMs, toMs)) yield toCandidate(compiled, slot, cals);
}

/**
 * Why `ms` would not be a good moment to fire (empty: fire). Checked at planning time for each slot
 * and again by decideFire just before a run starts.
 */
export function skipReasonsAt(schedule: Schedule, ms: number, calendars?: readonly Calendar[]): SkipReason[] {
  return reasonsAt(compileSchedule(schedule), ms, resolveCalendars(schedule, calendars));
}

/** The calendars to use: the given ones, or the schedule's inline ones. Throws UsageError when files are not loaded. */
export function resolveCalendars(schedule: Schedule, calendars?: readonly Calendar[]): readonly Calendar[] {
  if (calendars) return calendars;
  const refs = schedule.spec.calendars;
  if (refs.length === 0) return [];
  if (refs.some((r) => r.source === 'file')) {
    throw new UsageError(
      `schedule "${schedule.metadata.name}" uses calendar files; load them with loadCalendars(schedule) and pass them as \`calendars\``,
    );
  }
  return refs.map((r, i) => inlineCalendar((r as { ics: string }).ics, `${schedule.metadata.name}: calendar #${i + 1} (inline)`));
}

function toCandidate(compiled: CompiledSchedule, slot: Slot, calendars: readonly Calendar[]): Candidate {
  const reasons = slot.forced
    ? [...(compiled.schedule.spec.paused ? (['paused'] as const) : []), slot.forced]
    : reasonsAt(compiled, slot.ms, calendars);
  const base = {
    at: new Date(slot.ms),
    local: formatLocal(compiled.zone, slot.ms),
    reasons,
    ...(slot.resolution !== 'exact' && !slot.forced
      ? { dst: { resolution: slot.resolution, nominal: clock(slot.nominalMinute) } }
      : {}),
  };
  return reasons.length === 0 ? { ...base, decision: 'fire' } : { ...base, decision: 'skip', reason: reasons[0] as SkipReason };
}

function reasonsAt(compiled: CompiledSchedule, ms: number, calendars: readonly Calendar[]): SkipReason[] {
  const reasons: SkipReason[] = [];
  if (compiled.schedule.spec.paused) reasons.push('paused');
  const local = toLocal(compiled.zone, ms);
  const ws = windowStatus(compiled.windows, local);
  if (!ws.inWindow) reasons.push(ws.reason);
  const windowDate = ws.inWindow ? ws.windowDate : local.date;
  if (compiled.blackout.has(local.date) || compiled.blackout.has(windowDate)) reasons.push('blackout-date');
  const holiday = blockingEvent(calendars, compiled.zone, ms, windowDate === local.date ? [] : [windowDate]);
  if (holiday !== undefined) reasons.push(`holiday: ${holiday}`);
  return reasons;
}

function* slots(compiled: CompiledSchedule, fromMs: number, toMs: number): Generator<Slot> {
  if (toMs <= fromMs) return;
  const { zone } = compiled;
  // Start a day early: a wrapped window or a DST shift can put a slot of the previous local day after `from`.
  let day: CivilDate = previousDate(toLocal(zone, fromMs));
  const last = nextDate(toLocal(zone, toMs));
  for (; compareDates(day, last) <= 0; day = nextDate(day)) {
    const daySlots = compiled.cron ? cronSlots(compiled, day) : [randomSlot(compiled, day)];
    for (const s of daySlots) if (s.ms >= fromMs && s.ms < toMs) yield s;
  }
}

function cronSlots(compiled: CompiledSchedule, day: CivilDate): Slot[] {
  const cron = compiled.cron!;
  if (!cronMatchesDay(cron, day)) return [];
  const midnightGuess = Date.UTC(day.year, day.month - 1, day.day);
  const off = offsetMinutes(compiled.zone, midnightGuess - 14 * 3_600_000);
  const steady = off === offsetMinutes(compiled.zone, midnightGuess + DAY_MS + 14 * 3_600_000);
  const out: Slot[] = [];
  for (const m of cron.minutesOfDay) {
    if (steady) {
      out.push({ ms: midnightGuess + (m - off) * 60_000, resolution: 'exact', nominalMinute: m });
    } else {
      const r = wallToInstant(compiled.zone, day, m);
      out.push({ ms: r.ms, resolution: r.resolution, nominalMinute: m });
    }
  }
  if (steady) return out;
  out.sort((a, b) => a.ms - b.ms || (a.resolution === 'exact' ? -1 : 1));
  // Slots in the skipped hour all land on the gap's end: keep one (an exact slot there wins).
  return out.filter((s, i) => i === 0 || (out[i - 1] as Slot).ms !== s.ms);
}

function randomSlot(compiled: CompiledSchedule, day: CivilDate): Slot {
  const intervals = windowIntervalsOn(compiled.windows, day);
  const total = intervals.reduce((n, [a, b]) => n + (b - a), 0);
  if (total === 0) {
    const wd = weekdayOf(day);
    const r = wallToInstant(compiled.zone, day, 0);
    return { ms: r.ms, resolution: r.resolution, nominalMinute: 0, forced: wd === 0 || wd === 6 ? 'weekend' : 'not-a-window-day' };
  }
  let k = seededPick(compiled.seed as string, formatDate(day), total);
  let minute = 0;
  for (const [a, b] of intervals) {
    if (k < b - a) {
      minute = a + k;
      break;
    }
    k -= b - a;
  }
  const r = wallToInstant(compiled.zone, day, minute);
  return { ms: r.ms, resolution: r.resolution, nominalMinute: minute % 1440 };
}

function compareDates(a: CivilDate, b: CivilDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

function clock(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

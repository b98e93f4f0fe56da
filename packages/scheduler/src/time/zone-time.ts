import { IANAZone } from 'luxon';

/** Wall-clock reading of an instant in a time zone. `weekday` is 0 = Sunday .. 6 = Saturday (cron style). */
export interface LocalTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly weekday: number;
  /** Minutes since local midnight, 0..1439. */
  readonly minuteOfDay: number;
  /** `YYYY-MM-DD`. */
  readonly date: string;
}

/** A calendar day without a zone. */
export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** How a wall-clock time was turned into an instant (see wallToInstant). */
export type WallResolution = 'exact' | 'gap-shifted' | 'ambiguous-first';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const zones = new Map<string, IANAZone>();

function zoneOf(name: string): IANAZone {
  let zone = zones.get(name);
  if (!zone) {
    zone = IANAZone.create(name);
    zones.set(name, zone);
  }
  return zone;
}

/** True for names the runtime's Intl database knows (`Europe/Berlin`, `UTC`). */
export function isValidTimeZone(name: string): boolean {
  let ok = validity.get(name);
  if (ok === undefined) {
    // Each check builds an Intl.DateTimeFormat (slow); the set of names in use is small.
    ok = IANAZone.isValidZone(name);
    if (validity.size < 1000) validity.set(name, ok);
  }
  return ok;
}
const validity = new Map<string, boolean>();

const BUCKET_MS = 6 * 3_600_000;
const offsetBuckets = new Map<string, Map<number, number>>();

/** UTC offset of `zone` at `ms`, in minutes (Berlin in summer: 120). */
export function offsetMinutes(zone: string, ms: number): number {
  // Intl lookups cost ~10 us each and decisions make many; a 6-hour bucket with the same offset at both
  // ends has that offset throughout (no zone changes its offset twice within 6 hours).
  let buckets = offsetBuckets.get(zone);
  if (!buckets) {
    buckets = new Map();
    offsetBuckets.set(zone, buckets);
  }
  const bucket = Math.floor(ms / BUCKET_MS);
  let off = buckets.get(bucket);
  if (off === undefined) {
    const z = zoneOf(zone);
    const start = z.offset(bucket * BUCKET_MS);
    off = start === z.offset((bucket + 1) * BUCKET_MS - 1) ? start : NaN;
    if (buckets.size > 50_000) buckets.clear();
    buckets.set(bucket, off);
  }
  return Number.isNaN(off) ? zoneOf(zone).offset(ms) : off;
}

/** `YYYY-MM-DD` of a civil date. */
export function formatDate(d: CivilDate): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** Reads an instant on the wall clock of `zone`. */
export function toLocal(zone: string, ms: number): LocalTime {
  const shifted = new Date(ms + offsetMinutes(zone, ms) * MINUTE_MS);
  const year = shifted.getUTCFullYear();
  const month = shifted.getUTCMonth() + 1;
  const day = shifted.getUTCDate();
  const hour = shifted.getUTCHours();
  const minute = shifted.getUTCMinutes();
  return {
    year, month, day, hour, minute,
    second: shifted.getUTCSeconds(),
    weekday: shifted.getUTCDay(),
    minuteOfDay: hour * 60 + minute,
    date: formatDate({ year, month, day }),
  };
}

/** `2026-03-29T03:00:00+02:00`: how people in `zone` read the instant. */
export function formatLocal(zone: string, ms: number): string {
  const off = offsetMinutes(zone, ms);
  const l = toLocal(zone, ms);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${l.date}T${pad(l.hour)}:${pad(l.minute)}:${pad(l.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The day after `d`. */
export function nextDate(d: CivilDate): CivilDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + 1));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** The day before `d`. */
export function previousDate(d: CivilDate): CivilDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day - 1));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** 0 = Sunday .. 6 = Saturday. */
export function weekdayOf(d: CivilDate): number {
  return new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
}

/** Parses `YYYY-MM-DD`; undefined when it is not a real calendar date (2026-02-30). */
export function parseDate(text: string): CivilDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day));
  if (t.getUTCFullYear() !== d.year || t.getUTCMonth() + 1 !== d.month || t.getUTCDate() !== d.day) return undefined;
  return d;
}

/**
 * Turns a wall-clock time in `zone` into an instant. `minuteOfDay` may exceed 1439 (it rolls into the
 * next days), which is how windows that wrap past midnight are addressed.
 *
 * Daylight-saving rules (the documented scheduler behaviour):
 * - A time inside the skipped hour (spring forward) does not exist; it resolves to the first instant
 *   after the gap (Berlin 2026-03-29 02:30 -> 03:00 CEST), marked `gap-shifted`.
 * - A time inside the repeated hour (fall back) exists twice; it resolves to the first occurrence
 *   (Berlin 2026-10-25 02:30 -> 02:30 CEST, not CET), marked `ambiguous-first`.
 */
export function wallToInstant(
  zone: string,
  date: CivilDate,
  minuteOfDay: number,
  second = 0,
): { readonly ms: number; readonly resolution: WallResolution } {
  const guess = Date.UTC(date.year, date.month - 1, date.day, 0, minuteOfDay, second);
  const before = offsetMinutes(zone, guess - DAY_MS);
  const after = offsetMinutes(zone, guess + DAY_MS);
  const candidates = new Set([before, offsetMinutes(zone, guess), after]);
  const valid: number[] = [];
  for (const off of candidates) {
    const ms = guess - off * MINUTE_MS;
    if (offsetMinutes(zone, ms) === off) valid.push(ms);
  }
  if (valid.length > 0) {
    valid.sort((a, b) => a - b);
    return { ms: valid[0] as number, resolution: valid.length > 1 ? 'ambiguous-first' : 'exact' };
  }
  // In a gap: the offset jumps from `before` to `after` somewhere in (guess - after, guess - before].
  let lo = guess - after * MINUTE_MS;
  let hi = guess - before * MINUTE_MS;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetMinutes(zone, mid) === after) hi = mid;
    else lo = mid;
  }
  return { ms: hi, resolution: 'gap-shifted' };
}

/** First instant of the local day `date` in `zone` (midnight, or the end of a gap at midnight). */
export function startOfLocalDay(zone: string, date: CivilDate): number {
  return wallToInstant(zone, date, 0).ms;
}

import { isValidTimeZone } from '../time/zone-time.js';
import type { IcsTime } from './calendar.js';

const DATE_RE = /^(\d{4})(\d{2})(\d{2})$/;
const DATE_TIME_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/;
const DURATION_RE = /^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/**
 * Parses a DATE or DATE-TIME value (`20261225`, `20261225T100000Z`, `20261225T100000` with TZID).
 * Throws RangeError saying what is wrong.
 */
export function parseIcsTime(value: string, params: Readonly<Record<string, string>>): IcsTime {
  const v = value.trim();
  const d = DATE_RE.exec(v);
  if (d) {
    if (params.VALUE !== undefined && params.VALUE !== 'DATE') throw new RangeError(`"${v}" is a date but VALUE=${params.VALUE}`);
    return { floatingMs: checkedUtc(v, +d[1]!, +d[2]!, +d[3]!, 0, 0, 0), allDay: true };
  }
  const t = DATE_TIME_RE.exec(v);
  if (!t) throw new RangeError(`"${v}" is neither a DATE (20261225) nor a DATE-TIME (20261225T100000, 20261225T100000Z)`);
  const floatingMs = checkedUtc(v, +t[1]!, +t[2]!, +t[3]!, +t[4]!, +t[5]!, +t[6]!);
  if (t[7] === 'Z') return { floatingMs, allDay: false, zone: 'UTC' };
  const tzid = params.TZID?.replace(/^\//, '');
  if (tzid === undefined) return { floatingMs, allDay: false };
  if (!isValidTimeZone(tzid)) {
    throw new RangeError(`TZID "${tzid}" is not an IANA time zone (e.g. Europe/Berlin); export the calendar with IANA zone names`);
  }
  return { floatingMs, allDay: false, zone: tzid };
}

/** Parses a comma-separated list (EXDATE, RDATE). */
export function parseIcsTimeList(value: string, params: Readonly<Record<string, string>>): IcsTime[] {
  return value.split(',').filter((s) => s.trim() !== '').map((s) => parseIcsTime(s, params));
}

/** Parses an iCalendar DURATION (`P1D`, `PT2H30M`, `P1W`) to milliseconds. */
export function parseIcsDuration(value: string): number {
  const m = DURATION_RE.exec(value.trim());
  if (!m || value.trim() === 'P' || value.trim().endsWith('T')) throw new RangeError(`"${value}" is not an iCalendar duration (P1D, PT2H, P1W)`);
  const [, sign, w, d, h, min, s] = m;
  const ms = (((Number(w ?? 0) * 7 + Number(d ?? 0)) * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * 60_000 + Number(s ?? 0) * 1000;
  return sign === '-' ? -ms : ms;
}

function checkedUtc(text: string, y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const t = new Date(ms);
  if (t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d || h > 23 || mi > 59 || s > 60) {
    throw new RangeError(`"${text}" is not a real date/time`);
  }
  return ms;
}

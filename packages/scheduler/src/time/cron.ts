import nodeCron from 'node-cron';
import type { CivilDate } from './zone-time.js';

/** A 5-field cron expression parsed with node-cron's own parser, ready for fast day/minute matching. */
export interface CompiledCron {
  readonly expression: string;
  /** Sorted minutes of the day (hour * 60 + minute) the expression fires at on a matching day. */
  readonly minutesOfDay: readonly number[];
  readonly months: ReadonlySet<number>;
  readonly daysOfMonth: readonly (number | string)[];
  readonly daysOfWeek: readonly (number | string)[];
}

/** A problem with a cron expression, phrased for people. */
export interface CronProblem {
  readonly message: string;
  readonly field?: string;
}

const FIELD_NAMES = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'] as const;

/**
 * Validates a schedule cron expression: exactly 5 fields (minute hour day-of-month month day-of-week),
 * in node-cron syntax (ranges, steps, lists, month/day names, `L`, `1#2`, `5L`, `15W`).
 * Returns the problems; empty when valid.
 */
export function checkCron(expression: string): CronProblem[] {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    return [{
      message: `has ${fields.length} field${fields.length === 1 ? '' : 's'}; schedules use exactly 5: ${FIELD_NAMES.join(' ')} (e.g. "0 10 * * mon-fri")`,
    }];
  }
  const detailed = nodeCron.validateDetailed(expression.trim());
  if (detailed.valid) return [];
  return detailed.errors.map((e) => ({ message: `${e.field}: ${e.message}`, field: e.field }));
}

/** Compiled expressions by text: 10,000 schedules typically share a handful of expressions. */
const compiledCrons = new Map<string, CompiledCron>();
const COMPILED_CRONS_MAX = 10_000;

/** Parses a valid expression (call checkCron first); throws RangeError with the problems otherwise. */
export function compileCron(expression: string): CompiledCron {
  const hit = compiledCrons.get(expression);
  if (hit) return hit;
  const compiled = compileCronUncached(expression);
  if (compiledCrons.size >= COMPILED_CRONS_MAX) compiledCrons.clear();
  compiledCrons.set(expression, compiled);
  return compiled;
}

function compileCronUncached(expression: string): CompiledCron {
  const problems = checkCron(expression);
  if (problems.length > 0) throw new RangeError(`invalid cron "${expression}": ${problems.map((p) => p.message).join('; ')}`);
  const f = nodeCron.parse(expression.trim());
  const minutes = [...f.minute].sort((a, b) => a - b);
  const hours = [...f.hour].sort((a, b) => a - b);
  const minutesOfDay: number[] = [];
  for (const h of hours) for (const m of minutes) minutesOfDay.push(h * 60 + m);
  return {
    expression: expression.trim(),
    minutesOfDay,
    months: new Set(f.month),
    daysOfMonth: f.dayOfMonth,
    daysOfWeek: f.dayOfWeek,
  };
}

/**
 * True when the expression fires on this civil day. Like node-cron (and unlike Vixie cron), day-of-month
 * and day-of-week must BOTH match when both are restricted.
 */
export function cronMatchesDay(cron: CompiledCron, d: CivilDate): boolean {
  if (!cron.months.has(d.month)) return false;
  return matchesDayOfMonth(cron.daysOfMonth, d) && matchesDayOfWeek(cron.daysOfWeek, d);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

function nearestWeekday(year: number, month: number, target: number): number {
  const last = daysInMonth(year, month);
  if (target < 1 || target > last) return -1;
  const wd = weekday(year, month, target);
  if (wd === 6) return target === 1 ? target + 2 : target - 1;
  if (wd === 0) return target === last ? target - 2 : target + 1;
  return target;
}

// Mirrors node-cron 4's matcher so a schedule means exactly what node-cron would run.
function matchesDayOfMonth(field: readonly (number | string)[], d: CivilDate): boolean {
  const last = daysInMonth(d.year, d.month);
  for (const value of field) {
    if (value === d.day) return true;
    if (typeof value !== 'string') continue;
    if (value === 'L' && d.day === last) return true;
    const w = /^(\d{1,2}|L)W$/.exec(value);
    if (w && nearestWeekday(d.year, d.month, w[1] === 'L' ? last : Number(w[1])) === d.day) return true;
    const off = /^L-(\d{1,2})$/.exec(value);
    if (off && last - Number(off[1]) === d.day) return true;
  }
  return false;
}

function matchesDayOfWeek(field: readonly (number | string)[], d: CivilDate): boolean {
  const wd = weekday(d.year, d.month, d.day);
  for (const value of field) {
    if (value === wd) return true;
    if (typeof value !== 'string') continue;
    const nth = /^([0-7])#([1-5])$/.exec(value);
    if (nth) {
      if (Number(nth[1]) % 7 === wd && Math.floor((d.day - 1) / 7) + 1 === Number(nth[2])) return true;
      continue;
    }
    const lastOf = /^([0-7])L$/i.exec(value);
    if (lastOf && Number(lastOf[1]) % 7 === wd && d.day + 7 > daysInMonth(d.year, d.month)) return true;
  }
  return false;
}

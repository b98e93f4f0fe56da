import { describe, expect, it } from 'vitest';
import { checkCron, compileCron, cronMatchesDay } from './cron.js';

describe('checkCron', () => {
  it('accepts node-cron syntax with names, ranges and steps', () => {
    expect(checkCron('*/15 9-17 * * mon-fri')).toEqual([]);
    expect(checkCron('0 10 L * *')).toEqual([]);
    expect(checkCron('0 10 * * 1#2')).toEqual([]);
  });
  it('requires exactly five fields', () => {
    expect(checkCron('0 0 10 * * *')[0]?.message).toMatch(/6 fields; schedules use exactly 5/);
    expect(checkCron('0 10 *')[0]?.message).toMatch(/3 fields/);
  });
  it('names the bad field', () => {
    expect(checkCron('61 * * * *')[0]?.message).toMatch(/minute/);
  });
});

describe('cronMatchesDay', () => {
  const d = (year: number, month: number, day: number) => ({ year, month, day });
  it('lists minutes of the day in order', () => {
    expect(compileCron('30 9,14 * * *').minutesOfDay).toEqual([570, 870]);
  });
  it('requires both day-of-month and day-of-week (node-cron semantics)', () => {
    const c = compileCron('0 10 1 * mon');
    expect(cronMatchesDay(c, d(2026, 6, 1))).toBe(true); // Monday the 1st
    expect(cronMatchesDay(c, d(2026, 7, 1))).toBe(false); // Wednesday the 1st
    expect(cronMatchesDay(c, d(2026, 6, 8))).toBe(false); // Monday the 8th
  });
  it('understands L, nth weekday and last weekday', () => {
    expect(cronMatchesDay(compileCron('0 10 L * *'), d(2028, 2, 29))).toBe(true);
    expect(cronMatchesDay(compileCron('0 10 L * *'), d(2028, 2, 28))).toBe(false);
    expect(cronMatchesDay(compileCron('0 10 * * 2#2'), d(2026, 3, 10))).toBe(true);
    expect(cronMatchesDay(compileCron('0 10 * * 2#2'), d(2026, 3, 3))).toBe(false);
    expect(cronMatchesDay(compileCron('0 10 * * 5L'), d(2026, 3, 27))).toBe(true);
    expect(cronMatchesDay(compileCron('0 10 * * 5L'), d(2026, 3, 20))).toBe(false);
  });
});

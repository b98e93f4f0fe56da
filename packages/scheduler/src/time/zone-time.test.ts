import { describe, expect, it } from 'vitest';
import { formatLocal, parseDate, toLocal, wallToInstant } from './zone-time.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('wallToInstant', () => {
  it('resolves an ordinary wall time exactly', () => {
    const r = wallToInstant('Europe/Berlin', { year: 2026, month: 7, day: 1 }, 9 * 60);
    expect(r).toEqual({ ms: Date.parse('2026-07-01T07:00:00Z'), resolution: 'exact' });
  });

  it.each([
    // zone, date, skipped wall time, end of the gap (first valid instant)
    ['Europe/Berlin', { year: 2026, month: 3, day: 29 }, 150, '2026-03-29T01:00:00.000Z'],
    ['America/New_York', { year: 2026, month: 3, day: 8 }, 150, '2026-03-08T07:00:00.000Z'],
  ])('moves %s skipped-hour times to the first instant after the gap', (zone, date, minute, expected) => {
    const r = wallToInstant(zone, date, minute);
    expect(r.resolution).toBe('gap-shifted');
    expect(iso(r.ms)).toBe(expected);
    expect(formatLocal(zone, r.ms)).toMatch(/T03:00:00/);
  });

  it.each([
    ['Europe/Berlin', { year: 2026, month: 10, day: 25 }, '2026-10-25T00:30:00.000Z', '+02:00'],
    ['America/New_York', { year: 2026, month: 11, day: 1 }, '2026-11-01T05:30:00.000Z', '-04:00'],
  ])('picks the first occurrence of a repeated %s time', (zone, date, expected, offset) => {
    const minute = zone === 'Europe/Berlin' ? 150 : 90; // 02:30 Berlin, 01:30 New York
    const r = wallToInstant(zone, date, minute);
    expect(r.resolution).toBe('ambiguous-first');
    expect(iso(r.ms)).toBe(expected);
    expect(formatLocal(zone, r.ms).endsWith(offset)).toBe(true);
  });

  it('rolls minutes past 1440 into the next day (wrapped windows)', () => {
    const r = wallToInstant('Asia/Tokyo', { year: 2026, month: 12, day: 31 }, 1440 + 120);
    expect(iso(r.ms)).toBe('2026-12-31T17:00:00.000Z');
  });
});

describe('toLocal and parseDate', () => {
  it('reads the local calendar day and weekday', () => {
    const l = toLocal('America/New_York', Date.parse('2026-01-03T03:00:00Z'));
    expect([l.date, l.weekday, l.hour]).toEqual(['2026-01-02', 5, 22]);
  });
  it('rejects impossible dates', () => {
    expect(parseDate('2026-02-29')).toBeUndefined();
    expect(parseDate('2028-02-29')).toEqual({ year: 2028, month: 2, day: 29 });
    expect(parseDate('26-1-1')).toBeUndefined();
  });
});

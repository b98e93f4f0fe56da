import { UsageError } from '@faultline/core';
import { describe, expect, it } from 'vitest';
import { parseCalendar } from '../calendar/ics-parser.js';
import { fixtureText, scheduleFrom } from '../test-support.js';
import { nextFireTimes } from './candidates.js';
import { preview } from './preview.js';

const holidays = [parseCalendar(fixtureText('holidays-de.ics'), { name: 'holidays-de.ics' })];
const range = (from: string, to: string) => ({ from: new Date(from), to: new Date(to) });
const summary = (cs: ReturnType<typeof nextFireTimes>) => cs.map((c) => `${c.local} ${c.decision}${c.reason ? ` ${c.reason}` : ''}`);

describe('daylight saving', () => {
  it('fires a Berlin slot in the skipped hour once, at the end of the gap', () => {
    const s = scheduleFrom('cron: "30 2 * * *"\ntimeZone: Europe/Berlin');
    const cs = nextFireTimes(s, range('2026-03-28T00:00:00Z', '2026-03-31T00:00:00Z'));
    expect(cs.map((c) => c.at.toISOString())).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
    expect(cs[1]).toMatchObject({ decision: 'fire', local: '2026-03-29T03:00:00+02:00', dst: { resolution: 'gap-shifted', nominal: '02:30' } });
  });

  it('collapses several skipped slots into one fire (and keeps an exact slot at the gap end)', () => {
    const s = scheduleFrom('cron: "*/15 2-3 * * *"\ntimeZone: Europe/Berlin');
    const cs = nextFireTimes(s, range('2026-03-28T23:00:00Z', '2026-03-29T03:00:00Z'));
    expect(cs.map((c) => c.local)).toEqual([
      '2026-03-29T03:00:00+02:00', '2026-03-29T03:15:00+02:00', '2026-03-29T03:30:00+02:00', '2026-03-29T03:45:00+02:00',
    ]);
    expect(cs[0]?.dst).toBeUndefined();
  });

  it('fires a Berlin slot in the repeated hour once, at its first occurrence', () => {
    const s = scheduleFrom('cron: "30 2 * * *"\ntimeZone: Europe/Berlin');
    const cs = nextFireTimes(s, range('2026-10-24T00:00:00Z', '2026-10-27T00:00:00Z'));
    expect(summary(cs)).toEqual([
      '2026-10-24T02:30:00+02:00 fire',
      '2026-10-25T02:30:00+02:00 fire',
      '2026-10-26T02:30:00+01:00 fire',
    ]);
    expect(cs[1]?.dst).toEqual({ resolution: 'ambiguous-first', nominal: '02:30' });
  });

  it('handles America/New_York in spring and autumn', () => {
    const spring = nextFireTimes(scheduleFrom('cron: "30 2 * * *"\ntimeZone: America/New_York'), range('2026-03-08T00:00:00Z', '2026-03-09T00:00:00Z'));
    expect(spring.map((c) => c.local)).toEqual(['2026-03-08T03:00:00-04:00']);
    const autumn = nextFireTimes(scheduleFrom('cron: "0,30 1-2 * * *"\ntimeZone: America/New_York'), range('2026-11-01T04:00:00Z', '2026-11-01T12:00:00Z'));
    expect(autumn.map((c) => c.local)).toEqual([
      '2026-11-01T01:00:00-04:00', '2026-11-01T01:30:00-04:00', '2026-11-01T02:00:00-05:00', '2026-11-01T02:30:00-05:00',
    ]);
  });
});

describe('windows', () => {
  const weekdays = 'timeZone: Europe/Berlin\nwindows:\n  - days: [mon, tue, wed, thu, fri]\n    start: "09:00"\n    end: "17:00"';

  it('skips weekends and times outside the window', () => {
    const s = scheduleFrom(`cron: "0 8,10,17 * * *"\n${weekdays}`);
    const cs = nextFireTimes(s, range('2026-06-05T00:00:00Z', '2026-06-07T00:00:00Z')); // Fri, Sat
    expect(summary(cs)).toEqual([
      '2026-06-05T08:00:00+02:00 skip outside-window',
      '2026-06-05T10:00:00+02:00 fire',
      '2026-06-05T17:00:00+02:00 skip outside-window',
      '2026-06-06T08:00:00+02:00 skip weekend',
      '2026-06-06T10:00:00+02:00 skip weekend',
      '2026-06-06T17:00:00+02:00 skip weekend',
    ]);
  });

  it('says not-a-window-day for a weekday without a window', () => {
    const s = scheduleFrom('cron: "0 10 * * *"\ntimeZone: UTC\nwindows: [{ days: [mon, wed], start: "09:00", end: "17:00" }]');
    expect(summary(nextFireTimes(s, range('2026-06-02T00:00:00Z', '2026-06-03T00:00:00Z')))).toEqual(['2026-06-02T10:00:00+00:00 skip not-a-window-day']);
  });

  it('runs a window past midnight in New York, belonging to the day it starts', () => {
    const s = scheduleFrom(
      'cron: "0 * * * *"\ntimeZone: America/New_York\nwindows: [{ days: [fri], start: "22:00", end: "03:00" }]\nblackoutDates: ["2026-06-12"]',
    );
    const cs = nextFireTimes(s, range('2026-06-06T00:00:00Z', '2026-06-06T09:00:00Z')); // Fri 20:00 .. Sat 05:00 EDT
    expect(summary(cs)).toEqual([
      '2026-06-05T20:00:00-04:00 skip outside-window',
      '2026-06-05T21:00:00-04:00 skip outside-window',
      '2026-06-05T22:00:00-04:00 fire',
      '2026-06-05T23:00:00-04:00 fire',
      '2026-06-06T00:00:00-04:00 fire',
      '2026-06-06T01:00:00-04:00 fire',
      '2026-06-06T02:00:00-04:00 fire',
      '2026-06-06T03:00:00-04:00 skip weekend',
      '2026-06-06T04:00:00-04:00 skip weekend',
    ]);
    // A blackout on the Friday also covers the Saturday small hours of Friday's window.
    const next = nextFireTimes(s, range('2026-06-13T05:00:00Z', '2026-06-13T06:00:00Z'));
    expect(summary(next)).toEqual(['2026-06-13T01:00:00-04:00 skip blackout-date']);
  });
});

describe('calendars, blackout dates and pause', () => {
  it('skips holidays and change freezes from an .ics file', () => {
    const s = scheduleFrom('cron: "0 13 * * mon-fri"\ntimeZone: Europe/Berlin\ncalendars: [holidays-de.ics]');
    const cs = nextFireTimes(s, { ...range('2026-03-30T00:00:00Z', '2026-04-07T00:00:00Z'), calendars: holidays });
    expect(summary(cs)).toEqual([
      '2026-03-30T13:00:00+02:00 skip holiday: Release freeze',
      '2026-03-31T13:00:00+02:00 fire',
      '2026-04-01T13:00:00+02:00 fire',
      '2026-04-02T13:00:00+02:00 fire',
      '2026-04-03T13:00:00+02:00 skip holiday: Karfreitag',
      '2026-04-06T13:00:00+02:00 skip holiday: Release freeze', // weekly, COUNT=8: until Apr 20
    ]);
  });

  it('needs calendar files loaded first', () => {
    const s = scheduleFrom('cron: "0 13 * * *"\ntimeZone: Europe/Berlin\ncalendars: [holidays-de.ics]');
    expect(() => nextFireTimes(s, range('2026-03-30T00:00:00Z', '2026-04-07T00:00:00Z'))).toThrow(UsageError);
  });

  it('lists every reason, the first by precedence', () => {
    const s = scheduleFrom('cron: "0 10 * * *"\ntimeZone: Europe/Berlin\npaused: true\nblackoutDates: ["2026-12-25"]\nwindows: [{ days: [mon, tue, wed, thu], start: "09:00", end: "17:00" }]\ncalendars: [holidays-de.ics]');
    const [c] = nextFireTimes(s, { ...range('2026-12-25T00:00:00Z', '2026-12-26T00:00:00Z'), calendars: holidays });
    expect(c?.reasons).toEqual(['paused', 'not-a-window-day', 'blackout-date', 'holiday: Weihnachten']);
    expect(c?.reason).toBe('paused');
  });

  it('stops at limit fires', () => {
    const s = scheduleFrom('cron: "* * * * *"\ntimeZone: UTC');
    expect(nextFireTimes(s, { from: new Date('2026-01-01T00:00:00Z'), limit: 3 })).toHaveLength(3);
    expect(nextFireTimes(s, { from: new Date('2026-01-01T00:00:00Z'), limit: 1000, maxCandidates: 10 })).toHaveLength(10);
  });
});

describe('randomInWindow', () => {
  const spec = 'randomInWindow: true\ntimeZone: Europe/Berlin\nwindows: [{ days: [mon, tue, wed, thu, fri], start: "10:00", end: "16:00" }]';

  it('fires once per window day inside the window, the same way every time', () => {
    const s = scheduleFrom(spec);
    const r = range('2026-06-01T00:00:00Z', '2026-06-15T00:00:00Z');
    const a = nextFireTimes(s, r);
    expect(a.map((c) => c.at.getTime())).toEqual(nextFireTimes(scheduleFrom(spec), r).map((c) => c.at.getTime()));
    const fires = a.filter((c) => c.decision === 'fire');
    expect(fires).toHaveLength(10);
    for (const c of fires) expect(c.local.slice(11, 16) >= '10:00' && c.local.slice(11, 16) < '16:00').toBe(true);
    expect(new Set(fires.map((c) => c.local.slice(11, 16))).size).toBeGreaterThan(5);
    expect(a.filter((c) => c.decision === 'skip').map((c) => c.reason)).toEqual(['weekend', 'weekend', 'weekend', 'weekend']);
  });

  it('depends on the seed', () => {
    const r = range('2026-06-01T00:00:00Z', '2026-06-13T00:00:00Z');
    const a = nextFireTimes(scheduleFrom(spec), r).map((c) => c.at.getTime());
    const b = nextFireTimes(scheduleFrom(`${spec}\nseed: other`), r).map((c) => c.at.getTime());
    expect(a).not.toEqual(b);
  });

  it('can land after midnight in a wrapped window', () => {
    const s = scheduleFrom('randomInWindow: true\ntimeZone: Asia/Tokyo\nwindows: [{ days: [sat], start: "23:00", end: "05:00" }]');
    const fires = nextFireTimes(s, range('2026-01-01T00:00:00Z', '2026-12-31T00:00:00Z')).filter((c) => c.decision === 'fire');
    expect(fires.length).toBeGreaterThanOrEqual(52);
    const hours = new Set(fires.map((c) => c.local.slice(11, 13)));
    expect([...hours].every((h) => ['23', '00', '01', '02', '03', '04'].includes(h))).toBe(true);
    expect(hours.has('23') && hours.has('02')).toBe(true);
  });
});

describe('preview', () => {
  it('lists fires and groups consecutive skips by reason', () => {
    const s = scheduleFrom('cron: "0 * * * *"\ntimeZone: Europe/Berlin\nwindows: [{ days: [mon, tue, wed, thu, fri], start: "15:00", end: "17:00" }]');
    const p = preview(s, { ...range('2026-06-05T12:00:00Z', '2026-06-08T15:00:00Z') }); // Fri 14:00 .. Mon 17:00
    expect(p.fires.map((f) => f.local)).toEqual([
      '2026-06-05T15:00:00+02:00', '2026-06-05T16:00:00+02:00', '2026-06-08T15:00:00+02:00', '2026-06-08T16:00:00+02:00',
    ]);
    expect(p.skipped.map((x) => [x.reason, x.count, x.fromLocal.slice(0, 16), x.toLocal.slice(0, 16)])).toEqual([
      ['outside-window', 1, '2026-06-05T14:00', '2026-06-05T14:00'],
      ['outside-window', 7, '2026-06-05T17:00', '2026-06-05T23:00'],
      ['weekend', 48, '2026-06-06T00:00', '2026-06-07T23:00'],
      ['outside-window', 15, '2026-06-08T00:00', '2026-06-08T14:00'],
    ]);
    expect(p.truncated).toBe(false);
  });
});

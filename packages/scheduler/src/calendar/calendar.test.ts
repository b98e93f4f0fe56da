import { NotFoundError, SpecInvalidError } from '@faultline/core';
import { describe, expect, it } from 'vitest';
import { fixturePath, fixtureText, scheduleFrom } from '../test-support.js';
import { blockingEvent } from './calendar-index.js';
import { parseCalendar } from './ics-parser.js';
import { loadCalendars } from './load-calendars.js';

const cal = parseCalendar(fixtureText('holidays-de.ics'), { name: 'holidays-de.ics' });
const at = (iso: string, zone = 'Europe/Berlin') => blockingEvent([cal], zone, Date.parse(iso));

describe('parseCalendar', () => {
  it('reads events, ignoring VTIMEZONE and VALARM contents', () => {
    expect(cal.events.map((e) => e.summary)).toEqual([
      'Neujahr', 'Karfreitag', 'Weihnachten', 'Release freeze', 'Release freeze (moved)', 'Cancelled holiday', 'Outage review',
    ]);
    const freeze = cal.events[3];
    expect(freeze).toMatchObject({ rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=8', durationMs: 6 * 3_600_000, start: { zone: 'Europe/Berlin', allDay: false } });
  });

  it('reports problems with line numbers', () => {
    const bad = 'BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;TZID=Mars/Base:20260101T100000\nEND:VEVENT\nBEGIN:VEVENT\nDTSTART:2026-01-01\nEND:VEVENT\nEND:VCALENDAR\n';
    try {
      parseCalendar(bad, { name: 'bad.ics' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SpecInvalidError);
      const issues = (err as SpecInvalidError).issues;
      expect(issues.map((i) => i.line)).toEqual([3, 6]);
      expect(issues[0]?.message).toMatch(/not an IANA time zone/);
      expect(issues[1]?.message).toMatch(/neither a DATE/);
    }
    expect(() => parseCalendar('hello', { name: 'x.ics' })).toThrow(/BEGIN:VCALENDAR/);
  });

  it('reads parameters named like Object.prototype members as plain parameters', () => {
    const text = 'BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;__proto__=x;CONSTRUCTOR=y;toString=z;VALUE=DATE:20260101\nSUMMARY:odd params\nEND:VEVENT\nEND:VCALENDAR\n';
    const parsed = parseCalendar(text, { name: 'odd.ics' });
    expect(parsed.events).toHaveLength(1);
    expect(parsed.events[0]).toMatchObject({ summary: 'odd params', start: { allDay: true } });
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });
});

describe('blockingEvent', () => {
  it('blocks whole local days for all-day events, recurring yearly', () => {
    expect(at('2026-01-01T09:00:00Z')).toBe('Neujahr');
    expect(at('2031-01-01T12:00:00Z')).toBe('Neujahr');
    // 23:30 UTC on Dec 31 is already Jan 1 in Berlin, still Dec 31 in New York.
    expect(at('2026-12-31T23:30:00Z')).toBe('Neujahr');
    expect(at('2026-12-31T23:30:00Z', 'America/New_York')).toBeUndefined();
    expect(at('2026-04-03T10:00:00Z')).toBe('Karfreitag');
    expect(at('2026-04-02T10:00:00Z')).toBeUndefined();
  });

  it('covers multi-day events up to, not including, DTEND', () => {
    expect(at('2026-12-25T10:00:00Z')).toBe('Weihnachten');
    expect(at('2026-12-26T22:30:00Z')).toBe('Weihnachten'); // 23:30 Berlin on the 26th
    expect(at('2026-12-27T10:00:00Z')).toBeUndefined();
  });

  it('expands weekly timed events on their own wall clock across DST, with EXDATE and overrides', () => {
    expect(at('2026-03-02T11:30:00Z')).toBe('Release freeze'); // 12:30 CET
    expect(at('2026-03-09T11:30:00Z')).toBeUndefined(); // excluded
    expect(at('2026-03-16T11:30:00Z')).toBeUndefined(); // moved to 14:00-15:00
    expect(at('2026-03-16T13:30:00Z')).toBe('Release freeze (moved)');
    expect(at('2026-03-30T10:30:00Z')).toBe('Release freeze'); // 12:30 CEST, after the switch
    expect(at('2026-03-30T09:30:00Z')).toBeUndefined(); // 11:30 CEST
    expect(at('2026-04-27T10:30:00Z')).toBeUndefined(); // COUNT=8 ended on Apr 20
    expect(at('2026-04-20T10:30:00Z')).toBe('Release freeze');
  });

  it('ignores cancelled events and honours DURATION of UTC events', () => {
    expect(at('2026-04-15T10:00:00Z')).toBeUndefined();
    expect(at('2026-04-20T09:59:00Z')).toBe('Outage review');
    expect(at('2026-04-20T07:59:00Z')).toBeUndefined();
  });

  it('checks extra dates (the start day of a wrapped window) against all-day events', () => {
    expect(blockingEvent([cal], 'Europe/Berlin', Date.parse('2026-12-27T01:00:00Z'))).toBeUndefined();
    expect(blockingEvent([cal], 'Europe/Berlin', Date.parse('2026-12-27T01:00:00Z'), ['2026-12-26'])).toBe('Weihnachten');
  });
});

describe('loadCalendars', () => {
  it('reads files relative to baseDir and parses inline text', async () => {
    const s = scheduleFrom(`cron: "0 10 * * *"\ntimeZone: Europe/Berlin\ncalendars:\n  - holidays-de.ics\n  - |\n    BEGIN:VCALENDAR\n    BEGIN:VEVENT\n    DTSTART;VALUE=DATE:20260601\n    SUMMARY:Team offsite\n    END:VEVENT\n    END:VCALENDAR`);
    const cals = await loadCalendars(s, { baseDir: fixturePath('.') });
    expect(cals.map((c) => c.events.length)).toEqual([7, 1]);
    expect(blockingEvent(cals, 'Europe/Berlin', Date.parse('2026-06-01T10:00:00Z'))).toBe('Team offsite');
  });

  it('says which schedule needs a missing file', async () => {
    const s = scheduleFrom('cron: "0 10 * * *"\ntimeZone: UTC\ncalendars: [nope.ics]');
    await expect(loadCalendars(s, { baseDir: fixturePath('.') })).rejects.toThrow(NotFoundError);
    await expect(loadCalendars(s, { baseDir: fixturePath('.') })).rejects.toThrow(/spec\.calendars\[0\] of schedule "nightly-chaos"/);
  });
});

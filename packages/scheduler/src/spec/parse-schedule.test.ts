import { SpecInvalidError } from '@faultline/core';
import { describe, expect, it } from 'vitest';
import { parseSchedule, parseScheduleObject, parseSchedules, toScheduleDocument } from './parse-schedule.js';

const valid = `apiVersion: faultline.dev/v1
kind: Schedule
metadata:
  name: checkout-weekly
  labels: { team: payments }
spec:
  experiment: checkout-survives-slow-redis
  cron: "*/30 10-15 * * mon-fri"
  timeZone: Europe/Berlin
  windows:
    - days: [fri, mon, tue]
      start: "09:00"
      end: "17:00"
    - days: [wed]
      start: "22:00"
      end: "02:00"
  blackoutDates: ["2026-12-24", "2026-12-31"]
  calendars: [holidays.ics]
  startingDeadline: 2m
`;

function issuesOf(text: string) {
  try {
    parseSchedule(text, { file: 'schedules/x.yaml' });
  } catch (err) {
    expect(err).toBeInstanceOf(SpecInvalidError);
    return (err as SpecInvalidError).issues;
  }
  throw new Error('expected SpecInvalidError');
}

describe('parseSchedule', () => {
  it('parses a full document and fills defaults', () => {
    const s = parseSchedule(valid);
    expect(s.metadata).toEqual({ name: 'checkout-weekly', labels: { team: 'payments' } });
    expect(s.spec.trigger).toEqual({ type: 'cron', expression: '*/30 10-15 * * mon-fri' });
    expect(s.spec.windows[0]).toEqual({ days: ['mon', 'tue', 'fri'], start: '09:00', end: '17:00' });
    expect(s.spec.calendars).toEqual([{ source: 'file', path: 'holidays.ics' }]);
    expect(s.spec).toMatchObject({ concurrencyPolicy: 'forbid', startingDeadlineMs: 120_000, paused: false, historyLimit: 20 });
  });

  it('round-trips through the document form', () => {
    const s = parseSchedule(valid);
    expect(parseScheduleObject(JSON.parse(JSON.stringify(toScheduleDocument(s))))).toEqual(s);
  });

  it('reports unknown keys with line, column and the allowed keys', () => {
    const issues = issuesOf(valid.replace('  timeZone: Europe/Berlin', '  timeZone: Europe/Berlin\n  timezone: UTC'));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'spec.timezone', message: 'unknown key "timezone"', line: 10, column: 3, file: 'schedules/x.yaml' });
    expect(issues[0]?.allowed).toContain('timeZone');
  });

  it('reports keys named like Object.prototype members as unknown keys with the allowed keys', () => {
    for (const key of ['toString', 'constructor', 'hasOwnProperty', 'valueOf']) {
      const issues = issuesOf(valid.replace('  timeZone: Europe/Berlin', `  timeZone: Europe/Berlin\n  ${key}: { a: 1 }`));
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ path: `spec.${key}`, message: `unknown key "${key}"`, line: 10 });
      expect(issues[0]?.allowed).toContain('timeZone');
      const nested = issuesOf(valid.replace('      start: "09:00"', `      start: "09:00"\n      ${key}: 1`));
      expect(nested[0]).toMatchObject({ path: `spec.windows[0].${key}`, message: `unknown key "${key}"` });
      expect(nested[0]?.allowed).toEqual(expect.arrayContaining(['days', 'start', 'end']));
    }
  });

  it('points at bad values and lists allowed ones', () => {
    const issues = issuesOf(valid.replace('days: [wed]', 'days: [wednesday]'));
    expect(issues[0]).toMatchObject({ path: 'spec.windows[1].days[0]', line: 14, found: '"wednesday"' });
    expect(issues[0]?.allowed).toEqual(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
  });

  it('requires exactly one trigger', () => {
    expect(issuesOf(valid.replace('  cron: "*/30 10-15 * * mon-fri"\n', ''))[0]?.message).toMatch(/needs a trigger/);
    expect(issuesOf(valid.replace('  timeZone:', '  randomInWindow: true\n  timeZone:'))[0]).toMatchObject({ path: 'spec.cron', message: expect.stringMatching(/not both/) });
  });

  it('rejects bad cron, zone, times, dates and deadlines', () => {
    const issues = issuesOf(
      valid
        .replace('*/30 10-15 * * mon-fri', '0 0 10 * * *')
        .replace('Europe/Berlin', 'Europe/Berlinn')
        .replace('end: "02:00"', 'end: "22:00"')
        .replace('2026-12-31', '2026-02-30')
        .replace('startingDeadline: 2m', 'startingDeadline: 1s'),
    );
    expect(issues.map((i) => i.path)).toEqual(['spec.cron', 'spec.timeZone', 'spec.windows[1].end', 'spec.blackoutDates[1]', 'spec.startingDeadline']);
    expect(issues[0]?.message).toMatch(/exactly 5/);
    expect(issues[1]?.message).toMatch(/IANA/);
    expect(issues[2]?.message).toMatch(/24:00/);
  });

  it('reports schema and semantic problems together, in file order', () => {
    const issues = issuesOf(valid.replace('Europe/Berlin', 'Mars/Olympus').replace('  startingDeadline: 2m', '  startingDeadline: 2m\n  retries: 3'));
    expect(issues.map((i) => [i.path, i.line])).toEqual([['spec.timeZone', 9], ['spec.retries', 20]]);
  });

  it('reports malformed times and YAML syntax errors with positions', () => {
    expect(issuesOf(valid.replace('start: "09:00"', 'start: "9am"'))[0]).toMatchObject({ path: 'spec.windows[0].start', message: expect.stringMatching(/HH:MM/) });
    const yamlIssue = issuesOf('apiVersion: faultline.dev/v1\nkind: [Schedule\n')[0];
    expect(yamlIssue?.line).toBeGreaterThan(1);
  });

  it('checks inline calendars when parsing', () => {
    const inline = valid.replace('calendars: [holidays.ics]', 'calendars:\n    - |\n      BEGIN:VCALENDAR\n      BEGIN:VEVENT\n      SUMMARY:no start\n      END:VEVENT\n      END:VCALENDAR');
    const issues = issuesOf(inline);
    expect(issues[0]).toMatchObject({ path: 'spec.calendars[0]', message: expect.stringMatching(/no DTSTART/) });
  });

  it('defaults the random seed to the name and parses several documents', () => {
    const two = parseSchedules(`${valid}---\n${valid.replace('checkout-weekly', 'other').replace('  cron: "*/30 10-15 * * mon-fri"', '  randomInWindow: true')}`);
    expect(two.map((s) => s.spec.trigger)).toEqual([
      { type: 'cron', expression: '*/30 10-15 * * mon-fri' },
      { type: 'random-in-window', seed: 'other' },
    ]);
    expect(() => parseSchedule('')).toThrow(/empty/);
  });
});

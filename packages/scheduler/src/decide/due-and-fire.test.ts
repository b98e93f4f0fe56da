import { TimeoutError } from '@faultline/core';
import { describe, expect, it } from 'vitest';
import { scheduleFrom } from '../test-support.js';
import { decideFire } from './decide-fire.js';
import { resolveDueSlot } from './due-slot.js';

const daily = scheduleFrom('cron: "0 10 * * *"\ntimeZone: UTC\nstartingDeadline: 5m');
const d = (iso: string) => new Date(iso);

describe('resolveDueSlot (missed fires after downtime)', () => {
  it('returns nothing when no slot came due', () => {
    expect(resolveDueSlot(daily, { after: d('2026-06-01T10:00:00Z'), now: d('2026-06-01T23:00:00Z') })).toBeUndefined();
  });

  it('fires an on-time slot', () => {
    const due = resolveDueSlot(daily, { after: d('2026-06-01T09:00:00Z'), now: d('2026-06-01T10:00:01Z') });
    expect(due).toMatchObject({ decision: 'fire', lateMs: 1000, missed: 0 });
    expect(due?.candidate.at.toISOString()).toBe('2026-06-01T10:00:00.000Z');
  });

  it('fires only the newest slot of a backlog, late but within the deadline', () => {
    const due = resolveDueSlot(daily, { after: d('2026-06-01T10:00:00Z'), now: d('2026-06-05T10:04:00Z') });
    expect(due).toMatchObject({ decision: 'fire', lateMs: 240_000, missed: 3 });
    expect(due?.candidate.at.toISOString()).toBe('2026-06-05T10:00:00.000Z');
  });

  it('skips a slot missed by more than startingDeadline', () => {
    const due = resolveDueSlot(daily, { after: d('2026-06-01T10:00:00Z'), now: d('2026-06-05T10:06:00Z') });
    expect(due).toMatchObject({ decision: 'skip', reason: 'missed-deadline', missed: 3, lateMs: 360_000 });
  });

  it('does not count slots that would have been skipped anyway', () => {
    const weekdays = scheduleFrom('cron: "0 10 * * *"\ntimeZone: UTC\nwindows: [{ days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:00" }]');
    const due = resolveDueSlot(weekdays, { after: d('2026-06-05T10:00:00Z'), now: d('2026-06-08T10:01:00Z') }); // Fri -> Mon
    expect(due).toMatchObject({ decision: 'fire', missed: 0 });
  });
});

describe('decideFire', () => {
  const business = scheduleFrom('cron: "0 10 * * *"\ntimeZone: Europe/Berlin\nwindows: [{ days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:00" }]');
  const ok = { isHalted: async () => false, activeRunOf: async () => undefined };
  const monday10 = d('2026-06-08T08:00:00Z');

  it('starts when everything is clear', async () => {
    expect(await decideFire(business, monday10, ok)).toEqual({ decision: 'start' });
  });

  it('re-checks the window at fire time, not at slot time', async () => {
    expect(await decideFire(business, d('2026-06-08T15:00:01Z'), ok)).toEqual({ decision: 'skip', reason: 'outside-window' });
  });

  it('skips when halted', async () => {
    expect(await decideFire(business, monday10, { ...ok, isHalted: async () => true })).toEqual({ decision: 'skip', reason: 'halted' });
  });

  it('forbids a second concurrent run, unless the policy allows it', async () => {
    const active = { ...ok, activeRunOf: async (id: string) => (id === 'nightly-chaos' ? 'r123' : undefined) };
    expect(await decideFire(business, monday10, active)).toMatchObject({ decision: 'skip', reason: 'previous-run-active', detail: 'run r123 is still active' });
    const allow = scheduleFrom('cron: "0 10 * * *"\ntimeZone: Europe/Berlin\nconcurrencyPolicy: allow');
    expect(await decideFire(allow, monday10, active)).toEqual({ decision: 'start' });
  });

  it('skips a fire later than startingDeadline after its slot', async () => {
    expect(await decideFire(business, monday10, { ...ok, slot: d('2026-06-08T07:50:00Z') })).toMatchObject({ decision: 'skip', reason: 'missed-deadline' });
  });

  it('checks pause and calendars before asking the outside world', async () => {
    const paused = scheduleFrom('cron: "0 10 * * *"\ntimeZone: UTC\npaused: true');
    const explode = { isHalted: async () => { throw new Error('must not be called'); }, activeRunOf: async () => undefined };
    expect(await decideFire(paused, monday10, explode)).toEqual({ decision: 'skip', reason: 'paused' });
  });

  it('rejects with TimeoutError when the halt check hangs', async () => {
    const hang = { ...ok, isHalted: () => new Promise<boolean>(() => undefined), timeoutMs: 20 };
    await expect(decideFire(business, monday10, hang)).rejects.toThrow(TimeoutError);
  });
});

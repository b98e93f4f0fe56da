import type { Logger } from '@faultline/core';
import { afterEach, describe, expect, it } from 'vitest';
import { scheduleFrom } from '../test-support.js';
import { createManualClock } from './clock.js';
import { createMemoryLeaseStore } from './memory-lease-store.js';
import { createMemoryRunLedger } from './memory-run-ledger.js';
import { createMemoryScheduleSource } from './memory-schedule-source.js';
import type { ScheduleSource, StartRun } from './schedule-source.js';
import { createScheduler, type Scheduler, type SchedulerOptions } from './scheduler.js';
import { createCronTicker, createManualTicker } from './ticker.js';

const LEASE = 'faultline-scheduler';
const daily = (extra = '') => scheduleFrom(`cron: "0 10 * * *"\ntimeZone: Europe/Berlin${extra}`, 'daily-latency');

function recordingLog(): Logger & { lines: Array<{ level: string; msg: string; fields: Record<string, unknown> }> } {
  const lines: Array<{ level: string; msg: string; fields: Record<string, unknown> }> = [];
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) => void lines.push({ level, msg, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function world(start = '2026-06-08T07:59:00Z' /* Monday 09:59 Berlin */) {
  const clock = createManualClock(start);
  const leases = createMemoryLeaseStore({ clock });
  const source = createMemoryScheduleSource({ clock });
  const ledger = createMemoryRunLedger({ leases, leaseName: LEASE });
  const state = { halted: false };
  const made: Scheduler[] = [];
  const replica = (holderId: string, overrides: Partial<SchedulerOptions> = {}) => {
    const ticker = createManualTicker();
    const log = recordingLog();
    const scheduler = createScheduler({
      clock, store: source, leases, holderId, ticker, log,
      startRun: ledger.startRun,
      isHalted: async () => state.halted,
      activeRunOf: ledger.activeRunOf,
      ...overrides,
    });
    scheduler.start();
    made.push(scheduler);
    return { scheduler, ticker, log };
  };
  return { clock, leases, source, ledger, state, replica, made };
}

/** Moves the clock to `iso` in 2 s steps (the default tick period), ticking every replica at each step. */
async function stepTo(w: ReturnType<typeof world>, iso: string, tickers: ReadonlyArray<{ tick(): Promise<void> }>): Promise<void> {
  const target = Date.parse(iso);
  while (w.clock.now().getTime() < target) {
    w.clock.advance(Math.min(2000, target - w.clock.now().getTime()));
    for (const t of tickers) await t.tick();
  }
}

let current: ReturnType<typeof world> | undefined;
afterEach(async () => {
  for (const s of current?.made ?? []) await s.stop();
  current = undefined;
});

describe('Scheduler', () => {
  it('sends a heads-up once per planned fire, each webhook at its own lead time, only from the leader', async () => {
    const w = (current = world('2026-06-08T07:58:00Z'));
    w.source.put(daily(`
notify:
  - name: team-channel
    slack: { url: { secretRef: { env: SLACK_URL } } }
    on: [heads-up]
    headsUp: 1m
  - name: audit
    webhook: { url: "http://127.0.0.1:9/hook" }
    on: [heads-up, started]
    headsUp: 30s`));
    const heads: Array<{ at: string; firesAt: string; names: string[] }> = [];
    const onHeadsUp: SchedulerOptions['onHeadsUp'] = (_s, firesAt, notify) => void heads.push({ at: w.clock.now().toISOString(), firesAt: firesAt.toISOString(), names: notify.map((n) => n.name) });
    const a = w.replica('a', { onHeadsUp });
    const b = w.replica('b', { onHeadsUp });
    await stepTo(w, '2026-06-08T07:58:58Z', [a.ticker, b.ticker]);
    expect(heads).toEqual([]);
    await stepTo(w, '2026-06-08T08:00:02Z', [a.ticker, b.ticker]);
    expect(heads).toEqual([
      { at: '2026-06-08T07:59:00.000Z', firesAt: '2026-06-08T08:00:00.000Z', names: ['team-channel'] },
      { at: '2026-06-08T07:59:30.000Z', firesAt: '2026-06-08T08:00:00.000Z', names: ['audit'] },
    ]);
    expect(w.ledger.runs).toHaveLength(1);
    // The next day's fire gets its own heads-up.
    await stepTo(w, '2026-06-09T07:59:00Z', [a.ticker, b.ticker]);
    expect(heads.slice(2)).toEqual([{ at: '2026-06-09T07:59:00.000Z', firesAt: '2026-06-09T08:00:00.000Z', names: ['team-channel'] }]);
  });

  it('fires a slot once, records it, and fires again the next day', async () => {
    const w = (current = world());
    w.source.put(daily());
    const a = w.replica('a');
    await a.ticker.tick();
    expect(a.scheduler.status()).toMatchObject({ leader: true, fencingToken: 1, schedules: 1 });
    expect(a.scheduler.status().next[0]?.nextFireAt?.toISOString()).toBe('2026-06-08T08:00:00.000Z');
    expect(w.ledger.runs).toHaveLength(0);

    await stepTo(w, '2026-06-08T08:00:01Z', [a.ticker]);
    await a.ticker.tick();
    expect(w.ledger.runs).toHaveLength(1);
    expect(w.ledger.runs[0]).toMatchObject({ scheduleId: 'daily-latency', experiment: 'checkout-latency', fencingToken: 1 });
    const [fire] = w.source.history('daily-latency');
    expect(fire).toMatchObject({ decision: 'started', runId: w.ledger.runs[0]?.runId, missedSlots: 0, holderId: 'a' });
    expect(fire?.slot.toISOString()).toBe('2026-06-08T08:00:00.000Z');
    expect(fire!.decidedAt.getTime() - fire!.slot.getTime()).toBe(0); // the 2 s step landed on the slot

    w.ledger.finish(w.ledger.runs[0]!.runId);
    w.clock.set('2026-06-09T08:00:00Z');
    await a.ticker.tick();
    expect(w.ledger.runs.map((r) => r.slot.toISOString())).toEqual(['2026-06-08T08:00:00.000Z', '2026-06-09T08:00:00.000Z']);
  });

  it('with two replicas sharing a lease store, only the leader fires', async () => {
    const w = (current = world());
    w.source.put(daily());
    const a = w.replica('a');
    const b = w.replica('b');
    await a.ticker.tick();
    await b.ticker.tick();
    expect([a.scheduler.status().leader, b.scheduler.status().leader]).toEqual([true, false]);
    await stepTo(w, '2026-06-08T08:00:00.500Z', [b.ticker, a.ticker]);
    await Promise.all([a.ticker.tick(), b.ticker.tick()]);
    await Promise.all([b.ticker.tick(), a.ticker.tick()]);
    expect(w.ledger.runs).toHaveLength(1);
    expect(w.source.history('daily-latency').map((f) => f.holderId)).toEqual(['a']);
  });

  it('moves leadership within the TTL when the leader dies, and the new leader fires', async () => {
    const w = (current = world('2026-06-08T07:59:40Z'));
    w.source.put(daily());
    const a = w.replica('a');
    const b = w.replica('b');
    await a.ticker.tick();
    await b.ticker.tick();
    const diedAt = w.clock.now().getTime();
    await a.scheduler.stop({ release: false }); // a crash: the lease is not released

    let tookOverAfterMs: number | undefined;
    for (let i = 0; i < 20 && tookOverAfterMs === undefined; i++) {
      w.clock.advance(2000); // the default ticker period
      await b.ticker.tick();
      if (b.scheduler.status().leader) tookOverAfterMs = w.clock.now().getTime() - diedAt;
    }
    expect(tookOverAfterMs).toBeDefined();
    expect(tookOverAfterMs!).toBeLessThanOrEqual(10_000 + 2000);
    expect(tookOverAfterMs!).toBeLessThan(15_000);
    expect(b.scheduler.status().fencingToken).toBe(2);

    await stepTo(w, '2026-06-08T08:00:01Z', [b.ticker]);
    expect(w.ledger.runs.map((r) => r.fencingToken)).toEqual([2]);
  });

  it('does not fire a slot twice when the leader dies after starting it but before recording it', async () => {
    const w = (current = world());
    w.source.put(daily('\nconcurrencyPolicy: allow'));
    const forgetful: ScheduleSource = { list: () => w.source.list(), recordFire: async () => { throw new Error('database went away'); } };
    const a = w.replica('a', { store: forgetful });
    await a.ticker.tick();
    w.clock.set('2026-06-08T08:00:00Z');
    await a.ticker.tick();
    expect(w.ledger.runs).toHaveLength(1);
    expect(a.log.lines.some((l) => l.level === 'error' && l.msg === 'cannot record schedule decision')).toBe(true);
    await a.scheduler.stop({ release: false });

    const b = w.replica('b');
    w.clock.advance(12_000);
    await b.ticker.tick();
    expect(b.scheduler.status().leader).toBe(true);
    expect(w.ledger.runs).toHaveLength(1);
    expect(w.source.history('daily-latency')[0]).toMatchObject({ decision: 'started', duplicate: true, runId: w.ledger.runs[0]?.runId, holderId: 'b' });
  });

  it('rejects the fencing token of an old leader that resumes after a pause', async () => {
    const w = (current = world());
    w.source.put(daily());
    let reachedStart!: () => void;
    const reached = new Promise<void>((r) => (reachedStart = r));
    let resume!: () => void;
    const paused = new Promise<void>((r) => (resume = r));
    const slowStart: StartRun = async (stored, ticket) => {
      reachedStart();
      await paused; // a long GC pause / frozen VM, after the lease check
      return w.ledger.startRun(stored, ticket);
    };
    const a = w.replica('a', { startRun: slowStart });
    const b = w.replica('b');
    await a.ticker.tick();
    await b.ticker.tick();
    await stepTo(w, '2026-06-08T07:59:58Z', [a.ticker, b.ticker]);
    w.clock.set('2026-06-08T08:00:00Z');
    const aTick = a.ticker.tick();
    await reached;

    w.clock.advance(11_000); // a's lease expires while it is frozen
    await b.ticker.tick();
    expect(b.scheduler.status()).toMatchObject({ leader: true, fencingToken: 2 });
    expect(w.ledger.runs.map((r) => r.fencingToken)).toEqual([2]);

    resume();
    await aTick;
    expect(w.ledger.runs).toHaveLength(1);
    expect(a.scheduler.status().leader).toBe(false);
    expect(a.log.lines.find((l) => l.msg.startsWith('fencing token rejected'))?.fields).toMatchObject({ fencingToken: 1 });
    expect(w.source.history('daily-latency').map((f) => [f.holderId, f.decision])).toEqual([['b', 'started']]);
  });

  it('records skips decided at fire time: halt and a still-active previous run', async () => {
    const w = (current = world());
    w.source.put(daily());
    const a = w.replica('a');
    w.state.halted = true;
    w.clock.set('2026-06-08T08:00:00Z');
    await a.ticker.tick();
    w.state.halted = false;
    w.clock.set('2026-06-09T08:00:00Z');
    await a.ticker.tick();
    w.clock.set('2026-06-10T08:00:00Z');
    await a.ticker.tick(); // the run of the 9th is still active
    expect(w.source.history('daily-latency').map((f) => [f.slot.toISOString().slice(0, 10), f.decision, f.reason ?? ''])).toEqual([
      ['2026-06-10', 'skipped', 'previous-run-active'],
      ['2026-06-09', 'started', ''],
      ['2026-06-08', 'skipped', 'halted'],
    ]);
  });

  it('after downtime fires the newest missed slot once, or skips it past the deadline', async () => {
    const w = (current = world());
    w.source.put(daily(), { createdAt: new Date('2026-06-01T00:00:00Z') });
    w.source.put(scheduleFrom('cron: "0 10 * * *"\ntimeZone: Europe/Berlin\nstartingDeadline: 1m', 'strict'), { createdAt: new Date('2026-06-01T00:00:00Z') });
    const a = w.replica('a');
    w.clock.set('2026-06-08T08:03:00Z'); // 3 minutes late, a week of slots missed
    await a.ticker.tick();
    expect(w.source.history('daily-latency')).toMatchObject([{ decision: 'started', missedSlots: 7 }]);
    expect(w.source.history('strict')).toMatchObject([{ decision: 'skipped', reason: 'missed-deadline', missedSlots: 7 }]);
    expect(w.ledger.runs).toHaveLength(1);
  });

  it('never fires a schedule whose calendars cannot be loaded', async () => {
    const w = (current = world());
    w.source.put(daily('\ncalendars: [missing.ics]'));
    const a = w.replica('a');
    w.clock.set('2026-06-08T08:00:00Z');
    await a.ticker.tick();
    expect(w.ledger.runs).toHaveLength(0);
    expect(a.log.lines.find((l) => l.level === 'error')?.msg).toMatch(/cannot load calendars/);
  });

  it('does not fire old slots when a paused schedule is resumed', async () => {
    const w = (current = world());
    w.source.put(daily('\npaused: true'));
    const a = w.replica('a', { refreshIntervalMs: 60_000 });
    await a.ticker.tick();
    w.clock.set('2026-06-08T08:00:00Z');
    await a.ticker.tick();
    w.clock.set('2026-06-08T08:02:00Z');
    w.source.put(daily());
    a.scheduler.refresh();
    await a.ticker.tick();
    expect(w.ledger.runs).toHaveLength(0);
    w.clock.set('2026-06-09T08:00:00Z');
    await a.ticker.tick();
    expect(w.ledger.runs).toHaveLength(1);
  });

  it('asks the ticker to wake it at the next planned fire, so a slot is decided when it comes', async () => {
    const w = (current = world());
    w.source.put(daily());
    const wakes: number[] = [];
    const manual = createManualTicker();
    const ticker = { ...manual, tick: manual.tick, wakeAt: (ms: number) => void wakes.push(ms) };
    const a = w.replica('a', { ticker });
    await ticker.tick();
    expect(wakes.at(-1)).toBe(Date.parse('2026-06-08T08:00:00Z'));
    w.clock.set('2026-06-08T08:00:00Z');
    await ticker.tick();
    expect(w.ledger.runs).toHaveLength(1);
    expect(wakes.at(-1)).toBe(Date.parse('2026-06-09T08:00:00Z'));
    await a.scheduler.stop();
    const before = wakes.length;
    await a.scheduler.tick();
    expect(wakes).toHaveLength(before); // a stopped scheduler sets no wake-ups
  });

  it('a slot whose fire check failed is retried at the next periodic tick, not by an immediate wake-up', async () => {
    const w = (current = world());
    w.source.put(daily());
    const wakes: number[] = [];
    const manual = createManualTicker();
    const ticker = { ...manual, tick: manual.tick, wakeAt: (ms: number) => void wakes.push(ms) };
    const a = w.replica('a', { ticker, isHalted: async () => { throw new Error('store down'); } });
    await ticker.tick();
    w.clock.set('2026-06-08T08:00:00Z');
    wakes.length = 0;
    await ticker.tick();
    expect(w.ledger.runs).toHaveLength(0);
    expect(a.log.lines.some((l) => l.msg.includes('fire check failed'))).toBe(true);
    expect(wakes.every((ms) => ms > w.clock.nowMs())).toBe(true);
  });

  it('a cron ticker wakes up at the requested instant of its clock', async () => {
    // A clock years away from the machine's: the delay comes from the given clock, not from Date.now().
    const clock = createManualClock('2030-01-01T00:00:00Z');
    const ticker = createCronTicker({ expression: '0 0 1 1 *', clock });
    const woke = new Promise<void>((resolve) => ticker.start(() => resolve()));
    ticker.wakeAt!(clock.nowMs());
    await woke;
    ticker.stop();
  });

  it('ticks with node-cron in real time (awaits the first tick; no bound on when it comes)', async () => {
    const ticker = createCronTicker({ expression: '* * * * * *' });
    let ticks = 0;
    await new Promise<void>((resolve) => ticker.start(() => { ticks++; resolve(); }));
    ticker.stop();
    expect(ticks).toBeGreaterThanOrEqual(1);
  });
});

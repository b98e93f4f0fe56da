import type { Logger } from '@faultline/core';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { scheduleFrom } from '../test-support.js';
import { createManualClock } from './clock.js';
import { createMemoryLeaseStore } from './memory-lease-store.js';
import { createMemoryRunLedger } from './memory-run-ledger.js';
import { createMemoryScheduleSource } from './memory-schedule-source.js';
import type { FireRecord, ScheduleSource } from './schedule-source.js';
import { createScheduler, type Scheduler } from './scheduler.js';
import { createManualTicker } from './ticker.js';

// A herd: many schedules due in the same slot. The decisions in flight share halt and lease checks and
// their decisions are written in batches (ScheduleSource.recordFires), with the same outcome as one by one.

const LEASE = 'faultline-scheduler';
const N = 120;

function errorsLogged(): Logger & { errors: Array<Record<string, unknown>> } {
  const errors: Array<Record<string, unknown>> = [];
  const none = () => undefined;
  return { errors, debug: none, info: none, warn: none, error: (fields: Record<string, unknown>) => void errors.push(fields) };
}

function herd() {
  const clock = createManualClock('2026-06-08T07:59:59Z'); // Monday 09:59:59 Berlin, a second before the slot
  const leases = createMemoryLeaseStore({ clock });
  const source = createMemoryScheduleSource({ clock });
  for (let i = 0; i < N; i++) source.put(scheduleFrom('cron: "0 10 * * *"\ntimeZone: Europe/Berlin', `s-${i}`), { createdAt: clock.now() });
  const ledger = createMemoryRunLedger({ leases, leaseName: LEASE });
  const calls = { isHalted: 0, isCurrent: 0, recordFire: 0, recordFires: [] as number[] };
  // Every call crosses the event loop, as a real store's round trip does, so decisions overlap.
  const slowSource: ScheduleSource = {
    list: () => source.list(),
    recordFire: async (r) => {
      calls.recordFire++;
      await yieldToLoop();
      return source.recordFire(r);
    },
    recordFires: async (rs) => {
      calls.recordFires.push(rs.length);
      await yieldToLoop();
      return source.recordFires(rs);
    },
  };
  const slowLeases = {
    ...leases,
    tryAcquire: leases.tryAcquire.bind(leases),
    release: leases.release.bind(leases),
    isCurrent: async (name: string, token: number) => {
      calls.isCurrent++;
      await yieldToLoop();
      return leases.isCurrent(name, token);
    },
  };
  return { clock, leases: slowLeases, source, slowSource, ledger, calls };
}

let made: Scheduler[] = [];
afterEach(async () => {
  for (const s of made) await s.stop();
  made = [];
});

describe('Scheduler with a herd due in one slot', () => {
  it('starts every schedule once, records every decision, and shares checks and writes', async () => {
    const w = herd();
    const ticker = createManualTicker();
    const decisions: FireRecord[] = [];
    const scheduler = createScheduler({
      clock: w.clock, store: w.slowSource, leases: w.leases, holderId: 'a', ticker, startRun: w.ledger.startRun, activeRunOf: w.ledger.activeRunOf,
      isHalted: async () => {
        w.calls.isHalted++;
        await yieldToLoop();
        return false;
      },
      onDecision: (d) => decisions.push(d),
    });
    made.push(scheduler);
    scheduler.start();
    await ticker.tick();
    w.clock.advance(2000);
    await ticker.tick();

    expect(decisions.map((d) => d.decision)).toEqual(Array(N).fill('started'));
    expect(new Set(w.ledger.runs.map((r) => r.idempotencyKey)).size).toBe(N);
    for (let i = 0; i < N; i++) {
      const history = w.source.history(`s-${i}`);
      expect(history.map((h) => h.decision)).toEqual(['started']);
      expect(history[0]?.slot.toISOString()).toBe('2026-06-08T08:00:00.000Z');
    }
    // Batched: fewer writes and checks than decisions, none lost.
    expect(w.calls.recordFire).toBe(0);
    expect(w.calls.recordFires.reduce((a, b) => a + b, 0)).toBe(N);
    expect(w.calls.recordFires.length).toBeLessThan(N);
    expect(w.calls.isHalted).toBeLessThan(N);
    expect(w.calls.isCurrent).toBeLessThan(2 * N); // the scheduler's checks are shared; the ledger's own (in startRun) are not
  });

  it('a batch that fails is written record by record, so only the bad record is lost', async () => {
    const w = herd();
    const ticker = createManualTicker();
    const log = errorsLogged();
    const scheduler = createScheduler({
      clock: w.clock, store: w.slowSource, leases: w.leases, holderId: 'a', ticker, log, activeRunOf: w.ledger.activeRunOf, isHalted: async () => false,
      startRun: async (stored, ticket) => {
        if (stored.scheduleId === 's-7') w.source.remove('s-7'); // deleted while its run starts
        return w.ledger.startRun(stored, ticket);
      },
    });
    made.push(scheduler);
    scheduler.start();
    await ticker.tick();
    w.clock.advance(2000);
    await ticker.tick();

    expect(w.ledger.runs).toHaveLength(N);
    for (let i = 0; i < N; i++) if (i !== 7) expect(w.source.history(`s-${i}`).map((h) => h.decision)).toEqual(['started']);
    expect(log.errors.map((e) => e['scheduleId'])).toEqual(['s-7']);
    expect(w.calls.recordFire).toBeGreaterThan(0); // the failed batch, one by one
  });

  it('a halt seen by the shared check skips every decision of the herd', async () => {
    const w = herd();
    const ticker = createManualTicker();
    const decisions: FireRecord[] = [];
    const scheduler = createScheduler({
      clock: w.clock, store: w.slowSource, leases: w.leases, holderId: 'a', ticker, startRun: w.ledger.startRun, activeRunOf: w.ledger.activeRunOf,
      isHalted: async () => {
        await yieldToLoop();
        return true;
      },
      onDecision: (d) => decisions.push(d),
    });
    made.push(scheduler);
    scheduler.start();
    await ticker.tick();
    w.clock.advance(2000);
    await ticker.tick();
    expect(decisions.map((d) => d.reason)).toEqual(Array(N).fill('halted'));
    expect(w.ledger.runs).toHaveLength(0);
  });
});

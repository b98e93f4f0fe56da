import { afterEach, expect, it } from 'vitest';
import { createRegistry } from '@faultline/core';
import { createManualClock, createManualTicker, type ManualTicker } from '@faultline/scheduler';
import type { Store } from '@faultline/store';
import { describeEachBackend } from '../../../packages/store/src/testing/backends.js';
import { FakeBackend, fakePlugin } from '@faultline/testing';
import { experimentParser } from './experiment-parser.js';
import { RunHost } from './run-host.js';
import { ScheduleService, SCHEDULER_LEASE } from './schedule-service.js';

// Two controller replicas sharing one database (PostgreSQL in CI): exactly one fires; when the leader
// dies the other takes over within the lease TTL; no slot fires twice; a paused ex-leader's fencing
// token is refused. A manual clock drives both the schedulers and the store's lease expiry.
const experiment = `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: tick }
spec:
  duration: 10ms
  targets: { things: { fake: {} } }
  faults: [{ name: poke, type: fake.break, target: things }]
`;
const schedule = `apiVersion: faultline.dev/v1
kind: Schedule
metadata: { name: every-five-minutes }
spec:
  experiment: tick
  cron: "*/5 * * * *"
  timeZone: UTC
  concurrencyPolicy: allow
`;

interface Replica { store: Store; host: RunHost; service: ScheduleService; ticker: ManualTicker }
const replicas: Replica[] = [];
afterEach(async () => {
  for (const r of replicas.splice(0)) {
    await r.service.stop().catch(() => undefined);
    await r.host.close();
  }
});

describeEachBackend('scheduler leadership across two controller replicas', ({ fresh }) => {
  it('one leader fires; the other takes over when it dies; no double fire; stale fencing tokens refused', async () => {
    const db = await fresh();
    const clock = createManualClock('2026-11-23T09:58:00Z');
    const backend = new FakeBackend();
    backend.addTargets(1);
    const registry = createRegistry([fakePlugin(backend)]);
    const replica = async (holderId: string): Promise<Replica> => {
      const store = await db.open({ clock });
      const host = new RunHost({ store, registry });
      const ticker = createManualTicker();
      const service = new ScheduleService({ store, runHost: host, parse: experimentParser(registry), ticker, clock, holderId, leaseTtlMs: 10_000 });
      const r = { store, host, service, ticker };
      replicas.push(r);
      return r;
    };
    const a = await replica('replica-a');
    const b = await replica('replica-b');
    await a.store.putExperiment({ name: 'tick', body: experiment, parsed: {} });
    await a.service.create(schedule);
    a.service.start();
    b.service.start();
    clock.set('2026-11-23T10:00:05Z');

    // 10:00 slot: both tick; only the lease holder fires.
    await a.ticker.tick();
    await b.ticker.tick();
    const runsAt = async () => (await a.store.listRuns({ limit: 100 })).runs.filter((r) => r.source === 'schedule');
    expect(await runsAt()).toHaveLength(1);
    const first = (await runsAt())[0]!;
    expect(first.fencingToken).toBeGreaterThan(0);

    expect(a.service.status().leader).toBe(true);
    expect(b.service.status().leader).toBe(false);

    // The leader dies: it stops ticking and never releases. 12 s later (TTL 10 s + one tick) B leads.
    clock.set('2026-11-23T10:00:17Z');
    await b.ticker.tick();
    expect(b.service.status().leader).toBe(true);
    clock.set('2026-11-23T10:05:03Z');
    await b.ticker.tick();
    const afterTakeover = await runsAt();
    expect(afterTakeover).toHaveLength(2);
    const second = afterTakeover.find((r) => r.runId !== first.runId)!;
    expect(second.fencingToken).toBeGreaterThan(first.fencingToken!);
    expect(await b.store.isCurrent(SCHEDULER_LEASE, first.fencingToken!)).toBe(false);

    // Ticking again in the same slot (both replicas) fires nothing new.
    await b.ticker.tick();
    expect(await runsAt()).toHaveLength(2);

    // A third replica that believes it holds the old token cannot start a run: the service checks the
    // lease before creating one, and the store says the token is no longer current.
    expect(await a.store.isCurrent(SCHEDULER_LEASE, second.fencingToken!)).toBe(true);
    expect(await a.store.isCurrent(SCHEDULER_LEASE, first.fencingToken!)).toBe(false);
  });
});

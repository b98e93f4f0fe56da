/**
 * Scheduler benchmark: 10,000 schedules. Bounded (< 100 s), prints a table.
 *
 *   npx tsx --conditions=@faultline/source bench/scheduler/run.ts
 *
 * 1. parse: 1,000 YAML files through parseSchedule; 10,000 stored documents through parseScheduleObject.
 * 2. herd (real time): all 10,000 schedules share one slot; a node-cron ticker (every second) drives
 *    the scheduler on a clock shifted so that slot is 1.5 s away. Skew = decision time - slot, so it
 *    includes the tick delay and the queue of 9,999 other decisions. Three runs side by side: in-memory
 *    store and lease; every store call taking BENCH_STORE_RTT_MS (default 1 ms) with batched decision
 *    writes (ScheduleSource.recordFires); the same with one write per decision. Each run gives up after 12 s.
 * 3. steady (simulated): a business hour of 10,000 mixed schedules (cron, windows across midnight,
 *    calendars, blackout dates, random-in-window) on a manual clock ticked every 2 s; reports decisions
 *    and the CPU cost of each tick.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import {
  createCronTicker, createManualClock, createManualTicker, createMemoryLeaseStore, createMemoryRunLedger,
  createMemoryScheduleSource, createScheduler, parseSchedule, parseScheduleObject, type Clock, type FireRecord, type Schedule, type ScheduleSource,
} from '@faultline/scheduler';
import type { LeaseStore } from '@faultline/core';
import { table } from '../lib.js';

const N = Number(process.env.BENCH_SCHEDULES ?? 10_000);
const LEASE = 'faultline-scheduler';
const fixtures = fileURLToPath(new URL('../../packages/scheduler/test-fixtures/', import.meta.url));
const rows: Array<[string, string]> = [];
const deadline = Date.now() + 100_000;

function doc(name: string, spec: string): string {
  return `apiVersion: faultline.dev/v1\nkind: Schedule\nmetadata:\n  name: ${name}\nspec:\n  experiment: checkout-latency\n${spec.trim().split('\n').map((l) => `  ${l}`).join('\n')}\n`;
}

/** Every variant fires at 2026-06-08T08:00:00Z (a Monday) when `herd` is true. */
function variant(i: number, herd: boolean): string {
  switch (i % 5) {
    case 0:
      return `cron: "0 10 * * *"\ntimeZone: Europe/Berlin\nwindows: [{ days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:00" }]`;
    case 1:
      return `cron: "0 4 * * *"\ntimeZone: America/New_York\nwindows: [{ days: [sun, mon, tue, wed, thu], start: "22:00", end: "06:00" }]`;
    case 2:
      return `cron: "${herd ? '0' : '*/30'} 9 * * *"\ntimeZone: Europe/London\ncalendars: [holidays-de.ics]`;
    case 3:
      return `cron: "${herd ? '0 17' : `${i % 60} 16-17`} * * *"\ntimeZone: Asia/Tokyo\nblackoutDates: ["2026-12-24", "2026-12-31"]`;
    default:
      return herd
        ? `cron: "0 8 * * mon-fri"\ntimeZone: UTC\nconcurrencyPolicy: allow`
        : `randomInWindow: true\ntimeZone: Europe/Berlin\nwindows: [{ days: [mon, tue, wed, thu, fri], start: "09:00", end: "11:00" }]`;
  }
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

function cpuMs(start: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1000;
}

/** Schedules as the controller loads them: stored JSON documents validated by parseScheduleObject. */
function loadAll(herd: boolean): Schedule[] {
  const bodies = [0, 1, 2, 3, 4].map((v) => parseYaml(doc('x', variant(v, herd))) as { metadata: { name: string } });
  const out: Schedule[] = [];
  for (let i = 0; i < N; i++) {
    const body = bodies[i % 5] as { metadata: { name: string } };
    out.push(parseScheduleObject({ ...body, metadata: { ...body.metadata, name: `s-${i}` } }));
  }
  return out;
}

/** Resolves after `ms` (0: next turn of the event loop): a store round trip. */
const roundTrip = (ms: number) => new Promise<void>((r) => (ms > 0 ? setTimeout(r, ms) : setImmediate(r)));

async function herd(): Promise<void> {
  const yamlCount = Math.min(N, 1000);
  let t0 = performance.now();
  let cpu0 = process.cpuUsage();
  for (let i = 0; i < yamlCount; i++) parseSchedule(doc(`s-${i}`, variant(i, true)));
  rows.push([`parse ${yamlCount.toLocaleString('en')} YAML files (parseSchedule)`, `${(performance.now() - t0).toFixed(0)} ms wall, ${cpuMs(cpu0).toFixed(0)} ms CPU`]);
  t0 = performance.now();
  cpu0 = process.cpuUsage();
  const schedules = loadAll(true);
  rows.push([`validate ${N.toLocaleString('en')} stored documents`, `${(performance.now() - t0).toFixed(0)} ms wall, ${cpuMs(cpu0).toFixed(0)} ms CPU`]);
  await herdRun(schedules, 'in-memory store', { rttMs: -1, batchedWrites: true });
  // A store with a round trip per call (PostgreSQL on loopback is ~0.3-1 ms under load): every lease,
  // halt, active-run, start and record call waits RTT ms. Batched = the source has recordFires.
  await herdRun(schedules, `store with ${RTT} ms round trips, batched writes`, { rttMs: RTT, batchedWrites: true });
  await herdRun(schedules, `store with ${RTT} ms round trips, one write per decision`, { rttMs: RTT, batchedWrites: false });
}

const RTT = Number(process.env.BENCH_STORE_RTT_MS ?? 1);

async function herdRun(schedules: Schedule[], label: string, opts: { rttMs: number; batchedWrites: boolean }): Promise<void> {
  const wait = opts.rttMs < 0 ? async () => undefined : () => roundTrip(opts.rttMs);

  const slot = Date.parse('2026-06-08T08:00:00Z');
  // Planning happens a minute before the slot; then the clock jumps to 1.5 s before it.
  let offset = slot - 60_000 - Date.now();
  const clock: Clock = { now: () => new Date(Date.now() + offset), nowMs: () => Date.now() + offset, monotonic: () => performance.now() };
  const source = createMemoryScheduleSource({ clock });
  for (const s of schedules) source.put(s, { createdAt: new Date(slot - 3_600_000), baseDir: fixtures });
  const memLeases = createMemoryLeaseStore({ clock });
  const ledger = createMemoryRunLedger({ leases: memLeases, leaseName: LEASE });
  const leases: LeaseStore = {
    tryAcquire: async (...a) => (await wait(), memLeases.tryAcquire(...a)),
    isCurrent: async (...a) => (await wait(), memLeases.isCurrent(...a)),
    release: async (...a) => (await wait(), memLeases.release(...a)),
  };
  const store: ScheduleSource = {
    list: async () => (await wait(), source.list()),
    recordFire: async (r) => (await wait(), source.recordFire(r)),
    ...(opts.batchedWrites ? { recordFires: async (rs: readonly FireRecord[]) => (await wait(), source.recordFires(rs)) } : {}),
  };
  const decisions: FireRecord[] = [];
  let allDone!: () => void;
  const done = new Promise<void>((r) => (allDone = r));
  const scheduler = createScheduler({
    clock, store, leases, holderId: 'bench', leaseName: LEASE,
    ticker: createCronTicker({ expression: '* * * * * *', clock }),
    startRun: async (s, t) => (await wait(), ledger.startRun(s, t)),
    activeRunOf: async (id) => (await wait(), ledger.activeRunOf(id)),
    isHalted: async () => (await wait(), false),
    onDecision: (d) => {
      decisions.push(d);
      if (decisions.length === N) allDone();
    },
  });
  const cpu1 = process.cpuUsage();
  const tPlan = performance.now();
  await scheduler.tick(); // the first tick loads and plans all schedules
  rows.push([`${label}: load + plan next fire of ${N.toLocaleString('en')} schedules`, `${(performance.now() - tPlan).toFixed(0)} ms wall, ${cpuMs(cpu1).toFixed(0)} ms CPU`]);
  if (decisions.length > 0) throw new Error('nothing may fire while planning');
  offset = slot - 1500 - Date.now();
  const cpu2 = process.cpuUsage();
  scheduler.start();
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 12_000).unref());
  const outcome = await Promise.race([done.then(() => 'done' as const), timeout]);
  await scheduler.stop();
  const skews = decisions.map((d) => d.decidedAt.getTime() - d.slot.getTime()).sort((a, b) => a - b);
  const started = decisions.filter((d) => d.decision === 'started').length;
  rows.push([
    `${label}: herd of ${N.toLocaleString('en')} due at one slot (real time, 1 s ticks)`,
    `${decisions.length} decisions (${started} started)${outcome === 'timeout' ? ' - TIMED OUT' : ''}`,
  ]);
  rows.push([`${label}: fire-time skew p50 / p99 / max`, `${quantile(skews, 0.5)} / ${quantile(skews, 0.99)} / ${skews.at(-1)} ms`]);
  rows.push([`${label}: CPU time for all decisions`, `${cpuMs(cpu2).toFixed(0)} ms`]);
}

async function steady(): Promise<void> {
  const schedules = loadAll(false);
  const clock = createManualClock('2026-06-08T06:59:00Z'); // Monday 08:59 Berlin
  const source = createMemoryScheduleSource({ clock });
  for (const s of schedules) source.put(s, { createdAt: clock.now(), baseDir: fixtures });
  const leases = createMemoryLeaseStore({ clock });
  const ledger = createMemoryRunLedger({ leases, leaseName: LEASE });
  const ticker = createManualTicker();
  const decisions: FireRecord[] = [];
  const scheduler = createScheduler({
    clock, store: source, leases, holderId: 'bench', leaseName: LEASE, ticker,
    startRun: async (stored, ticket) => {
      const r = await ledger.startRun(stored, ticket);
      ledger.finish(r.runId); // runs end quickly here, so forbid does not hide later slots
      return r;
    },
    activeRunOf: ledger.activeRunOf, isHalted: async () => false,
    onDecision: (d) => decisions.push(d),
  });
  scheduler.start();
  await ticker.tick();
  const tickCpu: number[] = [];
  const cpu0 = process.cpuUsage();
  const end = Date.parse('2026-06-08T08:00:00Z');
  let ticks = 0;
  while (clock.now().getTime() < end && Date.now() < deadline) {
    clock.advance(2000);
    const c = process.cpuUsage();
    await ticker.tick();
    tickCpu.push(cpuMs(c));
    ticks++;
  }
  const total = cpuMs(cpu0);
  await scheduler.stop();
  tickCpu.sort((a, b) => a - b);
  const started = decisions.filter((d) => d.decision === 'started').length;
  const reasons = new Map<string, number>();
  for (const d of decisions) if (d.reason) reasons.set(d.reason, (reasons.get(d.reason) ?? 0) + 1);
  rows.push(['steady: simulated business hour, 2 s ticks', `${ticks} ticks, ${decisions.length} decisions (${started} started)`]);
  rows.push(['steady: skipped at fire time', [...reasons].map(([r, n]) => `${r}: ${n}`).join(', ') || 'none']);
  rows.push(['steady: CPU per tick p50 / p99 / max', `${quantile(tickCpu, 0.5).toFixed(2)} / ${quantile(tickCpu, 0.99).toFixed(2)} / ${(tickCpu.at(-1) ?? 0).toFixed(2)} ms`]);
  rows.push(['steady: CPU for the simulated hour', `${total.toFixed(0)} ms`]);
}

await herd();
await steady();
console.log(`\nFaultline scheduler benchmark (${N.toLocaleString('en')} schedules, node ${process.version})\n`);
console.log(table(['metric', 'value'], rows));
process.exit(0);

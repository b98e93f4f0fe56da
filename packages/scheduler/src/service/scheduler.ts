import { notifyDefaults, silentLogger, UsageError, withDeadline, type Lease, type LeaseStore, type Logger, type NotifySpec } from '@faultline/core';
import type { Calendar } from '../calendar/calendar.js';
import { loadCalendars } from '../calendar/load-calendars.js';
import { scanCandidates } from '../decide/candidates.js';
import { decideFire } from '../decide/decide-fire.js';
import { resolveDueSlot } from '../decide/due-slot.js';
import { systemClock, type Clock } from './clock.js';
import { slotIdempotencyKey, type FireRecord, type ScheduleSource, type StartRun, type StoredSchedule } from './schedule-source.js';
import { createCronTicker, type Ticker } from './ticker.js';

export interface SchedulerOptions {
  readonly store: ScheduleSource;
  readonly leases: LeaseStore;
  /** Unique per replica (hostname + pid); the lease holder. */
  readonly holderId: string;
  readonly startRun: StartRun;
  isHalted(): Promise<boolean>;
  activeRunOf(scheduleId: string): Promise<string | undefined>;
  readonly clock?: Clock;
  /** Default: node-cron every 2 s. */
  readonly ticker?: Ticker;
  /** Default `faultline-scheduler`. */
  readonly leaseName?: string;
  /** Default 10 s: a dead leader is replaced within TTL + one tick. */
  readonly leaseTtlMs?: number;
  /** How often the schedule list is re-read (and on leadership change, and after refresh()). Default 15 s. */
  readonly refreshIntervalMs?: number;
  /** Timeout for each store / lease / run call. Default 5 s. */
  readonly callTimeoutMs?: number;
  /** Due schedules decided in parallel per tick. Default 16. */
  readonly fireConcurrency?: number;
  /** Default: loadCalendars with the stored schedule's baseDir. */
  readonly loadCalendars?: (stored: StoredSchedule) => Promise<Calendar[]>;
  /** Observer for every decision (metrics, SSE). Must not throw. */
  readonly onDecision?: (record: FireRecord) => void;
  /**
   * Called once per planned fire, by the leader, when the fire is `headsUpMs` away (or closer) for a
   * schedule whose `notify` has `heads-up` entries. Must not throw; must not block (deliver in the background).
   */
  readonly onHeadsUp?: (stored: StoredSchedule, firesAt: Date, notify: readonly NotifySpec[]) => void;
  readonly log?: Logger;
}

export interface SchedulerStatus {
  readonly leader: boolean;
  readonly fencingToken?: number;
  readonly schedules: number;
  /** Per schedule, the next planned fire (undefined: none within the scan horizon, or paused). */
  readonly next: ReadonlyArray<{ readonly scheduleId: string; readonly nextFireAt?: Date }>;
}

/** Fires stored schedules while it holds the leader lease. */
export interface Scheduler {
  /** Starts ticking. Idempotent. */
  start(): void;
  /**
   * Stops ticking and waits for the current tick. `release: false` keeps the lease until it expires
   * (what a crash looks like to the other replicas; used in tests).
   */
  stop(options?: { release?: boolean }): Promise<void>;
  /** One pass now: renew/acquire the lease, refresh if due, decide every due slot. Coalesces with a running pass. */
  tick(): Promise<void>;
  /** Re-read schedules on the next tick (call after schedule CRUD). */
  refresh(): void;
  status(): SchedulerStatus;
}

interface Entry {
  stored: StoredSchedule;
  fingerprint: string;
  calendars: readonly Calendar[];
  /** Every slot up to here is handled. */
  cursorMs: number;
  /** Nothing to do before this instant (the next planned fire, or a re-check time). */
  nextCheckMs: number;
  nextFireMs: number | undefined;
  /** The planned fire heads-ups were sent for, and to which webhooks. */
  headsUp?: { fireMs: number; sent: Set<string> };
  loadError?: string;
}

const SCAN_HORIZON_MS = 400 * 86_400_000;
const MAX_SCAN_CANDIDATES = 200_000;
const FIRED_KEYS_MAX = 100_000;

/**
 * Creates the scheduler. Per tick: acquire or renew the lease (a new fencing token reloads every
 * schedule), then for each schedule with a due slot decide once: the newest due slot only (backlog
 * after downtime is never fired more than once; later than startingDeadline is skipped), decideFire
 * just before starting, a fresh `leases.isCurrent` check, then startRun with the fencing token and a
 * per-slot idempotency key. Every decision is recorded with the slot time, which is the persisted cursor.
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  if (!options.holderId) throw new UsageError('createScheduler needs a holderId unique per replica (e.g. hostname:pid)');
  const leaseTtlMs = options.leaseTtlMs ?? 10_000;
  if (!Number.isInteger(leaseTtlMs) || leaseTtlMs < 1000) throw new UsageError(`leaseTtlMs ${leaseTtlMs} must be an integer of at least 1000`);
  const clock = options.clock ?? systemClock;
  const log = options.log ?? silentLogger;
  const leaseName = options.leaseName ?? 'faultline-scheduler';
  const refreshIntervalMs = options.refreshIntervalMs ?? 15_000;
  const timeoutMs = options.callTimeoutMs ?? 5000;
  const fireConcurrency = Math.max(1, options.fireConcurrency ?? 16);
  const ticker = options.ticker ?? createCronTicker({ clock });
  // The default loader reads each distinct calendar list once per refresh, however many schedules share it.
  let calendarMemo = new Map<string, Promise<Calendar[]>>();
  const calendarLoader = options.loadCalendars ?? ((s: StoredSchedule) => {
    const key = `${s.baseDir ?? ''}\u0000${JSON.stringify(s.schedule.spec.calendars)}`;
    let hit = calendarMemo.get(key);
    if (!hit) {
      hit = loadCalendars(s.schedule, s.baseDir ? { baseDir: s.baseDir, timeoutMs } : { timeoutMs });
      calendarMemo.set(key, hit);
    }
    return hit;
  });
  const holderId = options.holderId;

  let leader: Lease | undefined;
  let entries = new Map<string, Entry>();
  let lastRefreshMs = -Infinity;
  let refreshRequested = true;
  let running: Promise<void> | undefined;
  let again = false;
  let started = false;
  const firedKeys = new Set<string>();

  const call = <T>(what: string, fn: () => Promise<T>) => withDeadline(what, timeoutMs, fn);
  // Batching the herd (10,000 schedules due in one slot): the decisions in flight share one halt check
  // and one lease check instead of a store round trip each. A decision that asks while a check is in
  // flight takes that check's answer, which is at most one round trip older than its question; the
  // fencing token passed to startRun still refuses a start under a lease that has moved on.
  const isHalted = singleFlight(() => options.isHalted());
  const store = options.store;
  // With recordFires, decisions made while a write is in flight go out together in the next write.
  // If a batch fails, each of its records is written alone, so one bad record (a schedule deleted
  // meanwhile) costs only its own write, as without batching.
  const recordFire = store.recordFires
    ? batchWhileInFlight<FireRecord>(async (records) => {
        try {
          await call(`recording ${records.length} schedule decision(s)`, () => (store.recordFires as NonNullable<ScheduleSource['recordFires']>).call(store, records));
          return records.map(() => ({ status: 'fulfilled', value: undefined }));
        } catch {
          return Promise.allSettled(records.map((rec) => call(`recording the fire of schedule ${rec.scheduleId}`, () => store.recordFire(rec))));
        }
      })
    : (rec: FireRecord) => store.recordFire(rec);

  async function refresh(nowMs: number): Promise<void> {
    const list = await call('listing schedules', () => options.store.list());
    calendarMemo = new Map();
    const next = new Map<string, Entry>();
    for (const stored of list) {
      const prev = entries.get(stored.scheduleId);
      const fingerprint = prev && prev.stored.schedule === stored.schedule ? prev.fingerprint : JSON.stringify(stored.schedule);
      let calendars: readonly Calendar[] = [];
      let loadError: string | undefined;
      if (stored.schedule.spec.calendars.length > 0) {
        try {
          calendars = await calendarLoader(stored);
        } catch (err) {
          // Without its calendars a schedule could fire on a holiday: it does not fire at all.
          loadError = (err as Error).message;
          log.error({ scheduleId: stored.scheduleId, err: loadError }, 'cannot load calendars; schedule will not fire until they load');
        }
      }
      const persisted = Math.max(stored.createdAt.getTime(), stored.lastSlotAt?.getTime() ?? -Infinity);
      const cursorMs = Math.max(persisted, prev?.cursorMs ?? -Infinity);
      const unchanged = prev && prev.fingerprint === fingerprint && prev.cursorMs === cursorMs && !loadError && sameCalendars(prev.calendars, calendars);
      const entry: Entry = unchanged
        ? { ...prev, stored }
        : { stored, fingerprint, calendars, cursorMs, nextCheckMs: 0, nextFireMs: undefined, ...(loadError ? { loadError } : {}) };
      if (!unchanged) plan(entry, nowMs);
      next.set(stored.scheduleId, entry);
    }
    entries = next;
    lastRefreshMs = nowMs;
    refreshRequested = false;
  }

  /** Finds the next planned fire after the cursor. */
  function plan(entry: Entry, nowMs: number): void {
    if (entry.loadError) {
      entry.nextFireMs = undefined;
      entry.nextCheckMs = Infinity;
      return;
    }
    if (entry.stored.schedule.spec.paused) {
      entry.nextFireMs = undefined;
      entry.nextCheckMs = nowMs; // advances the cursor while paused: unpausing never fires old slots
      return;
    }
    const from = entry.cursorMs + 1;
    const until = Math.max(from, nowMs) + SCAN_HORIZON_MS;
    let seen = 0;
    entry.nextFireMs = undefined;
    entry.nextCheckMs = until;
    for (const c of scanCandidates(entry.stored.schedule, from, until, entry.calendars)) {
      if (c.decision === 'fire') {
        entry.nextFireMs = c.at.getTime();
        entry.nextCheckMs = entry.nextFireMs;
        return;
      }
      if (++seen >= MAX_SCAN_CANDIDATES) {
        entry.nextCheckMs = c.at.getTime();
        return;
      }
    }
  }

  async function record(entry: Entry, rec: FireRecord): Promise<void> {
    try {
      options.onDecision?.(rec);
    } catch (err) {
      log.warn({ scheduleId: rec.scheduleId, err: (err as Error).message }, 'onDecision observer threw');
    }
    try {
      await call(`recording the fire of schedule ${rec.scheduleId}`, () => recordFire(rec));
    } catch (err) {
      // The run (if any) is started; a new leader re-deciding this slot is stopped by the idempotency key.
      log.error({ scheduleId: rec.scheduleId, slot: rec.slot.toISOString(), err: (err as Error).message }, 'cannot record schedule decision');
    }
    entry.cursorMs = Math.max(entry.cursorMs, rec.slot.getTime());
  }

  /**
   * Planning an entry's next fire after its decision: deferred until every due decision of the pass is
   * made (with the same `now`, so the plan is the one it would have been), which keeps the scans of a
   * herd's next fires out of the time between the slot and its last decision.
   */
  let deferredPlans: Array<[Entry, number]> | undefined;
  /**
   * Decision writes of the pass: a worker goes on to the next due schedule while its write is in
   * flight (batched with the others'); the pass waits for every write before planning next fires.
   */
  let pendingWrites: Array<Promise<void>> | undefined;
  async function recordLater(entry: Entry, rec: FireRecord): Promise<void> {
    if (pendingWrites) pendingWrites.push(record(entry, rec));
    else await record(entry, rec);
  }
  function replan(entry: Entry, nowMs: number): void {
    if (deferredPlans) deferredPlans.push([entry, nowMs]);
    else plan(entry, nowMs);
  }

  /** Returns false when leadership was lost (stop processing this tick). */
  async function processEntry(entry: Entry, lease: Lease, stillLeader: () => Promise<boolean>): Promise<boolean> {
    const now = clock.now();
    const { stored } = entry;
    const { schedule } = stored;
    const scheduleId = stored.scheduleId;
    if (schedule.spec.paused) {
      entry.cursorMs = Math.max(entry.cursorMs, now.getTime());
      entry.nextCheckMs = now.getTime() + refreshIntervalMs;
      return true;
    }
    const due = resolveDueSlot(schedule, { after: new Date(entry.cursorMs), now, calendars: entry.calendars });
    if (!due) {
      entry.cursorMs = Math.max(entry.cursorMs, now.getTime());
      replan(entry, now.getTime());
      return true;
    }
    const slot = due.candidate.at;
    const base = { scheduleId, slot, fencingToken: lease.fencingToken, holderId, missedSlots: due.missed } as const;
    if (due.decision === 'skip') {
      await recordLater(entry, { ...base, decidedAt: now, decision: 'skipped', reason: 'missed-deadline', detail: `${due.lateMs}ms late` });
      log.warn({ scheduleId, slot: slot.toISOString(), lateMs: due.lateMs, missed: due.missed }, 'missed schedule slot skipped: past startingDeadline');
      replan(entry, now.getTime());
      return true;
    }
    let decision;
    try {
      decision = await decideFire(schedule, now, {
        isHalted,
        activeRunOf: options.activeRunOf,
        calendars: entry.calendars,
        slot,
        scheduleId,
        timeoutMs,
      });
    } catch (err) {
      // Not knowing whether we are halted is not a reason to fire: retry on the next tick.
      log.warn({ scheduleId, slot: slot.toISOString(), err: (err as Error).message }, 'fire check failed; retrying next tick');
      return true;
    }
    if (decision.decision === 'skip') {
      await recordLater(entry, { ...base, decidedAt: now, decision: 'skipped', reason: decision.reason, ...(decision.detail ? { detail: decision.detail } : {}) });
      log.info({ scheduleId, slot: slot.toISOString(), reason: decision.reason }, 'schedule slot skipped');
      replan(entry, now.getTime());
      return true;
    }
    const key = slotIdempotencyKey(scheduleId, slot);
    if (firedKeys.has(key)) {
      entry.cursorMs = Math.max(entry.cursorMs, slot.getTime());
      replan(entry, now.getTime());
      return true;
    }
    if (!(await stillLeader())) return false;
    let result;
    try {
      result = await call(`starting a run for schedule ${scheduleId}`, () =>
        options.startRun(stored, { fencingToken: lease.fencingToken, slot, idempotencyKey: key }),
      );
    } catch (err) {
      if (!(await stillLeader())) {
        log.warn({ scheduleId, slot: slot.toISOString(), fencingToken: lease.fencingToken, err: (err as Error).message }, 'fencing token rejected: another scheduler leads now');
        return false;
      }
      await recordLater(entry, { ...base, decidedAt: now, decision: 'skipped', reason: 'start-failed', detail: (err as Error).message });
      log.error({ scheduleId, slot: slot.toISOString(), err: (err as Error).message }, 'scheduled run could not start');
      replan(entry, now.getTime());
      return true;
    }
    firedKeys.add(key);
    if (firedKeys.size > FIRED_KEYS_MAX) firedKeys.delete(firedKeys.values().next().value as string);
    await recordLater(entry, {
      ...base,
      decidedAt: now,
      decision: 'started',
      runId: result.runId,
      ...(result.duplicate ? { duplicate: true } : {}),
    });
    log.info({ scheduleId, slot: slot.toISOString(), runId: result.runId, fencingToken: lease.fencingToken, duplicate: result.duplicate ?? false }, 'schedule fired');
    replan(entry, now.getTime());
    return true;
  }

  async function stillLeader(lease: Lease): Promise<boolean> {
    try {
      return await call('checking the scheduler lease', () => options.leases.isCurrent(leaseName, lease.fencingToken));
    } catch (err) {
      log.warn({ fencingToken: lease.fencingToken, err: (err as Error).message }, 'cannot check the scheduler lease; not firing');
      return false;
    }
  }

  async function pass(): Promise<void> {
    const startMs = clock.now().getTime();
    let lease: Lease | undefined;
    try {
      lease = await call('acquiring the scheduler lease', () => options.leases.tryAcquire(leaseName, holderId, leaseTtlMs));
    } catch (err) {
      log.warn({ holderId, err: (err as Error).message }, 'cannot reach the lease store; not firing this tick');
    }
    if (!lease) {
      if (leader) log.info({ holderId, fencingToken: leader.fencingToken }, 'scheduler lease lost');
      leader = undefined;
      return;
    }
    if (leader?.fencingToken !== lease.fencingToken) {
      log.info({ holderId, fencingToken: lease.fencingToken }, 'scheduler lease acquired; this replica fires schedules');
      refreshRequested = true;
    }
    leader = lease;
    if (refreshRequested || startMs - lastRefreshMs >= refreshIntervalMs) {
      try {
        await refresh(startMs);
      } catch (err) {
        log.error({ err: (err as Error).message }, 'cannot list schedules; keeping the previous list');
        if (entries.size === 0) return;
      }
    }
    const nowMs = clock.now().getTime();
    if (options.onHeadsUp) headsUps(nowMs);
    const due: Entry[] = [];
    for (const e of entries.values()) if (e.nextCheckMs <= nowMs) due.push(e);
    due.sort((a, b) => a.nextCheckMs - b.nextCheckMs);
    // Several decisions in flight: with a real store each start is a round trip, and a shared slot
    // (every schedule at 10:00) must not queue 10,000 round trips behind each other.
    let next = 0;
    let lost = false;
    const leaderCheck = singleFlight(() => stillLeader(lease));
    const worker = async () => {
      while (!lost && next < due.length) {
        const entry = due[next++] as Entry;
        if (!(await processEntry(entry, lease, leaderCheck))) lost = true;
      }
    };
    deferredPlans = [];
    pendingWrites = [];
    try {
      await Promise.all(Array.from({ length: Math.min(fireConcurrency, due.length) }, worker));
    } finally {
      const writes = pendingWrites;
      pendingWrites = undefined;
      await Promise.all(writes); // record() never rejects
      const plans = deferredPlans;
      deferredPlans = undefined;
      for (const [entry, planNowMs] of plans) plan(entry, planNowMs);
    }
    if (lost) {
      leader = undefined;
      return;
    }
    // Decide the next slot when it comes, not up to one tick interval later (fire-time skew). Only
    // future instants: an entry still due (its fire check failed) waits for the next periodic tick, so
    // a store that is down is not retried in a tight loop.
    if (started && ticker.wakeAt) {
      const afterMs = clock.nowMs();
      let nextMs = Infinity;
      for (const e of entries.values()) if (e.nextCheckMs > afterMs && e.nextCheckMs < nextMs) nextMs = e.nextCheckMs;
      if (Number.isFinite(nextMs)) ticker.wakeAt(nextMs);
    }
  }

  /** Heads-ups for fires that are close enough: once per planned fire and webhook, each at its own lead time. */
  function headsUps(nowMs: number): void {
    for (const e of entries.values()) {
      const fireMs = e.nextFireMs;
      const notify = (e.stored.schedule.spec.notify ?? []).filter((n) => n.on.includes('heads-up'));
      if (!notify.length || fireMs === undefined || e.stored.schedule.spec.paused) continue;
      if (e.headsUp?.fireMs !== fireMs) e.headsUp = { fireMs, sent: new Set() };
      const sent = e.headsUp.sent;
      const ready = notify.filter((n) => !sent.has(n.name) && nowMs >= fireMs - (n.headsUpMs ?? notifyDefaults.headsUpMs));
      if (!ready.length) continue;
      for (const n of ready) sent.add(n.name);
      try {
        options.onHeadsUp?.(e.stored, new Date(fireMs), ready);
      } catch (err) {
        log.warn({ scheduleId: e.stored.scheduleId, err: (err as Error).message }, 'onHeadsUp observer threw');
      }
    }
  }

  async function tick(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await pass();
        } while (again);
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  return {
    start() {
      if (started) return;
      started = true;
      ticker.start(() =>
        tick().catch((err: unknown) => {
          log.error({ err: (err as Error).message }, 'scheduler tick failed');
        }),
      );
    },
    async stop(opts = {}) {
      started = false;
      ticker.stop();
      await running?.catch(() => undefined);
      if ((opts.release ?? true) && leader) {
        try {
          await call('releasing the scheduler lease', () => options.leases.release(leaseName, holderId));
        } catch (err) {
          log.warn({ holderId, err: (err as Error).message }, 'cannot release the scheduler lease; it expires by itself');
        }
      }
      leader = undefined;
    },
    tick,
    refresh() {
      refreshRequested = true;
    },
    status() {
      return {
        leader: leader !== undefined,
        ...(leader ? { fencingToken: leader.fencingToken } : {}),
        schedules: entries.size,
        next: [...entries.values()].map((e) => ({
          scheduleId: e.stored.scheduleId,
          ...(e.nextFireMs !== undefined ? { nextFireAt: new Date(e.nextFireMs) } : {}),
        })),
      };
    },
  };
}

/**
 * Concurrent callers share one call: the first starts it, everyone who asks before it settles gets its
 * result (or error); the next caller after that starts a new one.
 */
function singleFlight<T>(fn: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  return () => {
    if (!inFlight) {
      const p = Promise.resolve().then(fn);
      inFlight = p;
      const clear = () => {
        if (inFlight === p) inFlight = undefined;
      };
      p.then(clear, clear);
    }
    return inFlight;
  };
}

/**
 * Collects items while a flush is in flight: the first item is flushed at once, the ones that arrive
 * meanwhile go out together in the next flush. Each caller's promise settles with its own item's result.
 */
function batchWhileInFlight<T>(flush: (items: T[]) => Promise<Array<PromiseSettledResult<void>>>): (item: T) => Promise<void> {
  let queue: Array<{ item: T; resolve: () => void; reject: (err: unknown) => void }> = [];
  let flushing = false;
  const drain = async () => {
    flushing = true;
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        const results = await flush(batch.map((b) => b.item));
        batch.forEach((b, i) => {
          const r = results[i];
          if (r?.status === 'rejected') b.reject(r.reason);
          else b.resolve();
        });
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    flushing = false;
  };
  return (item) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!flushing) void drain();
    });
}

/** Loaded calendars are cached by file text, so an unchanged file gives the very same object. */
function sameCalendars(a: readonly Calendar[], b: readonly Calendar[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

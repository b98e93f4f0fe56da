import { EventEmitter } from 'node:events';
import { ConflictError, InternalError, NotFoundError, silentLogger, toErrorInfo, type Clock, type Logger, type Registry, type SecretResolver } from '@faultline/core';
import type { RunHandle } from '@faultline/engine';
import {
  DayRunner, newDayId, replayDay, type DayEvent, type DayResult, type DayRunnerOptions, type DayOrigin, type DayStatus, type GameDay, type ResumeDecision,
} from '@faultline/gameday';
import { gameDayLeaseName, type Store } from '@faultline/store';
import type { RunHost } from './run-host.js';
import { StoreDayJournal } from './gameday/store-day-journal.js';
import { prepareResume } from './gameday/prepare-resume.js';

interface Hosted {
  runner: DayRunner;
  day: GameDay;
  /** Token of this replica's `gameday:<id>` lease: every journal write carries it. */
  token: number;
  done?: DayResult;
}

/** running: driven (here or by another replica); stopped: not ended and nobody drives it (resume it); ended. */
export type DayState = 'running' | 'stopped' | 'ended';

export interface DaySummary {
  dayId: string;
  name: string;
  finished: boolean;
  outcome?: string;
  state: DayState;
  reason?: string;
  /** The replica driving it (its lease holder). */
  driver?: string;
  hostedHere: boolean;
  createdAt?: string;
}

export interface GameDayHostDeps {
  runHost: RunHost;
  registry: Registry;
  store: Store;
  clock?: Clock;
  log?: Logger;
  /** The `gameday:<id>` lease of each day this replica drives (ms, default: the run owner TTL); renewed every third of it. */
  leaseTtlMs?: number;
  /** Hosts `notify:` webhooks may call (the controller's --allow-host list). */
  allowHosts?: readonly string[];
  /** The controller's one secret resolver (env, file, Kubernetes Secret) for `notify:` secret references. */
  secrets?: SecretResolver;
}

/**
 * Hosts game days on the controller: each experiment step is a run of the RunHost (owned, fenced and
 * adopted like any run), the day's journal is in the store (fenced by the day's lease, so two replicas
 * never drive one day), and its events are published for SSE. After a restart or a lost replica a day is
 * `stopped`: its in-flight run is reverted by run adoption, and `resume` continues it on the facilitator's
 * decision on whichever replica takes its lease.
 */
export class GameDayHost {
  private readonly emitter = new EventEmitter();
  private readonly days = new Map<string, Hosted>();
  private readonly log: Logger;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  readonly journal: StoreDayJournal;
  readonly leaseTtlMs: number;

  constructor(private readonly deps: GameDayHostDeps) {
    this.emitter.setMaxListeners(0);
    this.log = deps.log ?? silentLogger;
    this.leaseTtlMs = deps.leaseTtlMs ?? deps.runHost.ownerTtlMs;
    this.journal = new StoreDayJournal(deps.store, (dayId) => {
      const h = this.days.get(dayId);
      return h && !h.done ? { token: h.token } : { token: -1 };
    });
  }

  get replicaId(): string {
    return this.deps.runHost.replicaId;
  }

  /** Starts a new day driven by this replica. */
  /** Starts a new day driven by this replica (`origin`: a rerun or clone of a past day, see planRerun). */
  async start(day: GameDay, opts: { unattended: boolean; by: string; source?: string; origin?: DayOrigin; startsAtMs?: number }): Promise<DayRunner> {
    const dayId = newDayId();
    const lease = await this.deps.store.tryAcquire(gameDayLeaseName(dayId), this.replicaId, this.leaseTtlMs);
    if (!lease) throw new InternalError(`could not take the lease of the new game day ${dayId}`);
    return this.drive(day, lease.fencingToken, { dayId, unattended: opts.unattended, source: opts.source ?? `api (${opts.by})`, ...(opts.origin ? { origin: opts.origin } : {}), ...(opts.startsAtMs !== undefined ? { startsAtMs: opts.startsAtMs } : {}) });
  }

  /**
   * Continues a stopped day here: takes its lease (ConflictError while another replica drives it), closes
   * the step that was in flight (its run must have been reverted by adoption first), and runs on from the
   * next step (`continue`), the interrupted one (`retry`) or ends it (`end`).
   */
  async resume(dayId: string, opts: { decision: ResumeDecision; by: string; unattended?: boolean }): Promise<DayRunner> {
    const hosted = this.days.get(dayId);
    if (hosted && !hosted.done) throw new ConflictError(`game day ${dayId} is running on this replica; nothing to resume`);
    const record = await this.deps.store.getGameDay(dayId);
    if (!record) throw notFound(dayId);
    if (record.state === 'ended') throw new ConflictError(`game day ${dayId} already ended ${record.outcome ?? ''}: ${record.reason ?? ''}`, { hint: `start it again with POST /v1/gamedays/${dayId}/rerun` });
    const name = gameDayLeaseName(dayId);
    const lease = await this.deps.store.tryAcquire(name, this.replicaId, this.leaseTtlMs);
    if (!lease) {
      const holder = await this.deps.store.getLease(name);
      throw new ConflictError(`game day ${dayId} is driven by replica ${holder?.holder ?? '(unknown)'} until ${holder?.expiresAt.toISOString() ?? 'its lease expires'}`, {
        hint: 'follow it there; if that replica is gone, resume again once its lease has expired',
      });
    }
    try {
      const prepared = await prepareResume({ dayId, store: this.deps.store, runHost: this.deps.runHost, journal: this.journal, token: lease.fencingToken, decision: opts.decision });
      return this.drive(prepared.day, lease.fencingToken, {
        unattended: opts.unattended ?? prepared.unattended,
        source: `resume (${opts.by})`,
        resume: { dayId, fromStep: prepared.fromStep, statuses: prepared.statuses, decision: opts.decision, by: opts.by, recovered: prepared.recovered },
      });
    } catch (err) {
      await this.deps.store.release(name, this.replicaId).catch(() => undefined);
      throw err;
    }
  }

  private drive(day: GameDay, token: number, o: { dayId?: string; unattended: boolean; source: string; resume?: DayRunnerOptions['resume']; origin?: DayOrigin; startsAtMs?: number }): DayRunner {
    const dayId = o.resume?.dayId ?? (o.dayId as string);
    // The fence must be known before the runner's first (asynchronous) journal write.
    const entry = { token } as Hosted;
    this.days.set(dayId, entry);
    const runner = new DayRunner({
      day, dayId, journal: this.journal, registry: this.deps.registry, unattended: o.unattended, source: o.source,
      ...(o.resume ? { resume: o.resume } : {}), ...(o.origin ? { origin: o.origin } : {}), ...(o.startsAtMs !== undefined ? { startsAtMs: o.startsAtMs } : {}),
      ...(this.deps.clock ? { clock: this.deps.clock } : {}), log: this.log,
      ...(this.deps.allowHosts ? { allowHosts: this.deps.allowHosts } : {}),
      ...(this.deps.secrets ? { secrets: this.deps.secrets } : {}),
      startRun: async (experiment, s): Promise<RunHandle> => {
        const { run } = await this.deps.runHost.start({
          experiment, source: 'api',
          labels: { 'faultline.dev/gameday': day.metadata.name, 'faultline.dev/gameday-id': dayId, 'faultline.dev/gameday-step': String(s.step + 1) },
        });
        const handle = this.deps.runHost.handle(run.runId);
        if (!handle) throw new InternalError(`run ${run.runId} of a game-day step is not hosted here`);
        return handle;
      },
      onEvent: (e) => this.emitter.emit(e.dayId, e),
    });
    entry.runner = runner;
    entry.day = day;
    void runner.done.then((r) => {
      entry.done = r;
      // An ended day needs no driver; a day that stopped on a lost journal stays resumable once the lease expires.
      void this.deps.store.release(gameDayLeaseName(dayId), this.replicaId).catch(() => undefined);
    });
    return runner;
  }

  /** A day hosted here (live or finished since this process started). */
  hosted(dayId: string): Hosted | undefined {
    return this.days.get(dayId);
  }

  /** The day's status, outcome and journal, whether it runs here, elsewhere, stopped or ended. */
  async describe(dayId: string): Promise<{ status: DayStatus; state: DayState; outcome?: string; reason?: string; driver?: string; events: DayEvent[] }> {
    const h = this.days.get(dayId);
    const events = await this.journal.read(dayId).catch(() => { throw notFound(dayId); });
    if (h && !h.done) return { status: h.runner.status(), state: 'running', driver: this.replicaId, events };
    const replayed = replayDay(events);
    const lease = replayed.ended ? undefined : await this.deps.store.getLease(gameDayLeaseName(dayId));
    const step = replayed.inFlight ? replayed.day?.spec.steps[replayed.inFlight.step] : undefined;
    return {
      status: {
        dayId, finished: Boolean(replayed.ended),
        ...(step ? { step: step.index, kind: step.kind } : {}),
        ...(replayed.inFlight?.runId ? { runId: replayed.inFlight.runId } : {}),
      },
      state: replayed.ended ? 'ended' : lease ? 'running' : 'stopped',
      events,
      ...(replayed.ended ? { outcome: replayed.ended.outcome, reason: replayed.ended.reason } : {}),
      ...(lease ? { driver: lease.holder } : {}),
    };
  }

  /** The running day driven here; NotFoundError for an unknown day, ConflictError when it ended or runs elsewhere. */
  async running(dayId: string): Promise<DayRunner> {
    const h = this.days.get(dayId);
    if (h && !h.done) return h.runner;
    const record = await this.deps.store.getGameDay(dayId);
    if (!record) throw notFound(dayId);
    if (record.state === 'ended') throw new ConflictError(`game day ${dayId} already ended ${record.outcome ?? ''}`);
    const lease = await this.deps.store.getLease(gameDayLeaseName(dayId));
    if (lease) throw new ConflictError(`game day ${dayId} is driven by controller replica ${lease.holder}, not this one (${this.replicaId})`, { hint: 'send the request to that replica' });
    throw new ConflictError(`game day ${dayId} stopped without ending (its controller went away)`, { hint: `resume it with POST /v1/gamedays/${dayId}/resume and a decision: continue, retry or end` });
  }

  /** Every stored day (newest first) with where it stands. Keeps the old fields: dayId, name, finished, outcome. */
  async list(): Promise<DaySummary[]> {
    const records = await this.deps.store.listGameDays();
    const out: DaySummary[] = [];
    for (const r of records) {
      const h = this.days.get(r.dayId);
      const live = Boolean(h && !h.done);
      const lease = r.state === 'ended' || live ? undefined : await this.deps.store.getLease(gameDayLeaseName(r.dayId));
      const state: DayState = r.state === 'ended' ? 'ended' : live || lease ? 'running' : 'stopped';
      out.push({
        dayId: r.dayId, name: r.name, finished: r.state === 'ended', state, hostedHere: live, createdAt: r.createdAt,
        ...(r.outcome ? { outcome: r.outcome } : {}), ...(r.reason ? { reason: r.reason } : {}),
        ...(live ? { driver: this.replicaId } : lease ? { driver: lease.holder } : {}),
      });
    }
    return out;
  }

  subscribe(dayId: string, fn: (e: DayEvent) => void): () => void {
    this.emitter.on(dayId, fn);
    return () => this.emitter.off(dayId, fn);
  }

  /** Renews the lease of every day driven here; a day whose lease moved on is stopped here (its run reverts). */
  async heartbeat(): Promise<void> {
    for (const [dayId, h] of this.days) {
      if (h.done) continue;
      const lease = await this.deps.store.tryAcquire(gameDayLeaseName(dayId), this.replicaId, this.leaseTtlMs).catch((err: unknown) => {
        this.log.warn({ dayId, err: toErrorInfo(err).message }, 'could not renew a game-day lease');
        return null;
      });
      if (lease === null) continue; // the store is unreachable: the fenced journal decides
      if (!lease || lease.fencingToken !== h.token) {
        this.log.warn({ dayId }, 'lost the lease of a game day (expired or taken by another replica); stopping it here');
        if (lease) void this.deps.store.release(gameDayLeaseName(dayId), this.replicaId).catch(() => undefined);
        h.runner.interruptBySignal(`replica ${this.replicaId} lost the day's lease`);
      }
    }
  }

  startBackgroundWork(): void {
    const every = Math.max(50, Math.floor(this.leaseTtlMs / 3));
    const tick = () => {
      void this.heartbeat().finally(() => {
        if (this.heartbeatTimer) this.heartbeatTimer = setTimeout(tick, every).unref();
      });
    };
    this.heartbeatTimer = setTimeout(tick, every).unref();
  }

  /** Shutdown: halt every running day (their runs revert) and wait for them. */
  async close(reason = 'controller shutting down'): Promise<void> {
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    const running = [...this.days.values()].filter((d) => !d.done);
    for (const d of running) d.runner.interruptBySignal(reason);
    await Promise.all(running.map((d) => d.runner.done));
  }
}

function notFound(dayId: string): NotFoundError {
  return new NotFoundError(`game day ${dayId} does not exist`, { hint: 'list them with GET /v1/gamedays' });
}

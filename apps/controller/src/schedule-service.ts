import os from 'node:os';
import { ConflictError, NotFoundError, SpecInvalidError, isTerminal, runStates, silentLogger, systemClock, type Logger, type RunState, type SecretResolver } from '@faultline/core';
import {
  createScheduler, loadCalendars, parseSchedule, parseScheduleObject, preview, toScheduleDocument,
  type Clock, type Schedule, type SchedulePreview, type Scheduler, type ScheduleSource, type StoredSchedule, type Ticker,
} from '@faultline/scheduler';
import type { ScheduleFire, ScheduleRecord, Store } from '@faultline/store';
import type { ExperimentParser } from './experiment-parser.js';
import { notifyHostIssues } from './outbound-hosts.js';
import { defaultSecretResolver, deliverNotice } from '@faultline/engine';
import type { RunHost } from './run-host.js';

export const SCHEDULER_LEASE = 'faultline-scheduler';
const active = runStates.filter((s) => !isTerminal(s)) as RunState[];

/**
 * Schedules as a stored resource, and the scheduler that fires them. Every replica runs the scheduler;
 * only the holder of the `faultline-scheduler` lease fires, and each run it starts carries the lease's
 * fencing token: a paused ex-leader's start is refused here, before any run is created.
 */
export class ScheduleService {
  private readonly scheduler: Scheduler;

  constructor(private readonly deps: { store: Store; runHost: RunHost; parse: ExperimentParser; allowHosts?: readonly string[]; secrets?: SecretResolver; log?: Logger; ticker?: Ticker; clock?: Clock; leaseTtlMs?: number; holderId?: string }) {
    const { store } = deps;
    const source: ScheduleSource = {
      list: async () => (await store.listSchedules()).map((r) => this.stored(r)),
      recordFire: async (rec) => {
        await store.recordScheduleFire({
          scheduleId: rec.scheduleId, decision: rec.decision, at: rec.slot,
          ...(rec.reason || rec.detail ? { reason: [rec.reason, rec.detail].filter(Boolean).join(': ') } : {}),
          ...(rec.runId ? { runId: rec.runId } : {}),
        });
      },
    };
    const secrets = deps.secrets ?? defaultSecretResolver();
    this.scheduler = createScheduler({
      store: source,
      leases: store,
      holderId: deps.holderId ?? `${os.hostname()}:${process.pid}`,
      leaseName: SCHEDULER_LEASE,
      ...(deps.ticker ? { ticker: deps.ticker } : {}),
      ...(deps.clock ? { clock: deps.clock } : {}),
      ...(deps.leaseTtlMs ? { leaseTtlMs: deps.leaseTtlMs } : {}),
      log: deps.log ?? silentLogger,
      isHalted: async () => (await store.getHalt()).halted,
      activeRunOf: async (scheduleId) => (await store.listRuns({ state: active, limit: 500 })).runs.find((r) => r.scheduleId === scheduleId)?.runId,
      startRun: async (stored, ticket) => {
        // Fencing: refuse a start under a lease that has moved on (a leader that was paused and resumed).
        if (!(await store.isCurrent(SCHEDULER_LEASE, ticket.fencingToken))) {
          throw new ConflictError(`fencing token ${ticket.fencingToken} is stale: another replica leads the scheduler now`);
        }
        const exp = await store.getExperiment(stored.schedule.spec.experiment);
        if (!exp) throw new NotFoundError(`schedule "${stored.schedule.metadata.name}" names experiment "${stored.schedule.spec.experiment}", which is not stored`);
        const experiment = await deps.parse(exp.body, `experiment ${exp.name} v${exp.version}`);
        const { run, created } = await deps.runHost.start({
          experiment, experimentVersion: exp.version, source: 'schedule', scheduleId: stored.scheduleId,
          fencingToken: ticket.fencingToken, idempotencyKey: ticket.idempotencyKey, requestHash: ticket.idempotencyKey,
          labels: { 'faultline.dev/schedule': stored.schedule.metadata.name },
        });
        return { runId: run.runId, duplicate: !created };
      },
      // Heads-up webhooks go out in the background: a slow webhook never holds up the scheduler.
      onHeadsUp: (stored, firesAt, notify) => {
        const notice = {
          event: 'heads-up' as const, experiment: stored.schedule.spec.experiment, schedule: stored.schedule.metadata.name,
          at: (deps.clock ?? systemClock).now().toISOString(), firesAt: firesAt.toISOString(),
        };
        for (const spec of notify) {
          void deliverNotice(spec, notice, { secrets, ...(deps.clock ? { clock: deps.clock } : {}), ...(deps.allowHosts ? { allowHosts: deps.allowHosts } : {}) }).then((r) => {
            if (!r.ok) (deps.log ?? silentLogger).warn({ scheduleId: stored.scheduleId, notify: spec.name, attempts: r.attempts }, `heads-up to "${spec.name}" failed: ${r.error ?? 'unknown error'}`);
          });
        }
      },
    });
  }

  private stored(r: ScheduleRecord): StoredSchedule {
    const schedule = parseScheduleObject(r.body, { file: `schedule ${r.name}` });
    const withPause: Schedule = { ...schedule, spec: { ...schedule.spec, paused: r.paused } };
    return { scheduleId: r.scheduleId, schedule: withPause, createdAt: new Date(r.createdAt), ...(r.lastFire ? { lastSlotAt: new Date(r.lastFire.at) } : {}) };
  }

  start(): void {
    this.scheduler.start();
  }
  async stop(): Promise<void> {
    await this.scheduler.stop({ release: true });
  }
  status() {
    return this.scheduler.status();
  }

  /** Parses a `kind: Schedule` YAML/JSON text; the experiment it names must be stored. */
  private async parse(text: string): Promise<Schedule> {
    const schedule = parseSchedule(text, { file: 'request body' });
    const refused = notifyHostIssues(schedule.spec.notify, this.deps.allowHosts);
    if (refused.length) throw new SpecInvalidError(refused.map((i) => ({ ...i, file: 'request body' })), { file: 'request body' });
    if (!(await this.deps.store.getExperiment(schedule.spec.experiment))) {
      throw new NotFoundError(`schedule "${schedule.metadata.name}" names experiment "${schedule.spec.experiment}", which is not stored; POST /v1/experiments first`);
    }
    return schedule;
  }

  async create(text: string): Promise<ScheduleRecord> {
    const s = await this.parse(text);
    const rec = await this.deps.store.createSchedule({ name: s.metadata.name, body: toScheduleDocument(s), paused: s.spec.paused });
    this.scheduler.refresh();
    return rec;
  }
  async replace(scheduleId: string, text: string): Promise<ScheduleRecord> {
    await this.get(scheduleId);
    const s = await this.parse(text);
    const rec = await this.deps.store.updateSchedule(scheduleId, { name: s.metadata.name, body: toScheduleDocument(s), paused: s.spec.paused });
    this.scheduler.refresh();
    return rec;
  }
  async setPaused(scheduleId: string, paused: boolean): Promise<ScheduleRecord> {
    await this.get(scheduleId);
    const rec = await this.deps.store.updateSchedule(scheduleId, { paused });
    this.scheduler.refresh();
    return rec;
  }
  async remove(scheduleId: string): Promise<void> {
    await this.get(scheduleId);
    await this.deps.store.deleteSchedule(scheduleId);
    this.scheduler.refresh();
  }
  async get(idOrName: string): Promise<ScheduleRecord> {
    const rec = (await this.deps.store.getSchedule(idOrName)) ?? (await this.deps.store.listSchedules()).find((s) => s.name === idOrName);
    if (!rec) throw new NotFoundError(`schedule "${idOrName}" does not exist`);
    return rec;
  }
  list(): Promise<ScheduleRecord[]> {
    return this.deps.store.listSchedules();
  }
  async history(idOrName: string, limit = 50): Promise<ScheduleFire[]> {
    const rec = await this.get(idOrName);
    return this.deps.store.listScheduleFires(rec.scheduleId, { limit });
  }
  /**
   * Next fire times between from and to, with the reason each other candidate is skipped. A paused
   * schedule skips every slot (reason `paused`); with `asIfActive` the slots are those it would have if
   * resumed, and `paused` says that none of them fires while it stays paused.
   */
  async preview(idOrName: string, range: { from: Date; to: Date; limit?: number; asIfActive?: boolean }): Promise<SchedulePreview & { paused: boolean }> {
    const stored = this.stored(await this.get(idOrName));
    const paused = stored.schedule.spec.paused;
    const schedule: Schedule = range.asIfActive && paused ? { ...stored.schedule, spec: { ...stored.schedule.spec, paused: false } } : stored.schedule;
    const calendars = await loadCalendars(schedule, { timeoutMs: 5000 });
    return { ...preview(schedule, { from: range.from, to: range.to, calendars, ...(range.limit ? { limit: range.limit } : {}) }), paused };
  }
}

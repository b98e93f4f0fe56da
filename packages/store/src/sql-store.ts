import { sql } from 'kysely';
import type { JournalEvent, JournalEventBody, Json, JsonObject, Lease } from '@faultline/core';
import type { StoreContext } from './context.js';
import type { Dialect } from './dialects/dialect.js';
import { wrapStoreError } from './errors.js';
import { appliedMigrations } from './migrations/migrate.js';
import * as audit from './tables/audit.js';
import * as experiments from './tables/experiments.js';
import * as gamedays from './tables/gamedays.js';
import * as halt from './tables/halt.js';
import * as journal from './tables/journal.js';
import * as leases from './tables/leases.js';
import * as ownership from './tables/ownership.js';
import * as runs from './tables/runs.js';
import * as prune from './tables/prune.js';
import * as schedules from './tables/schedules.js';
import * as tokens from './tables/tokens.js';
import type {
  AdoptableRun, RunFence, RunOwner, AuditEntry, ExperimentRecord, FireDecision, HaltState, NewAuditEntry, NewRun, PruneCriteria, PruneResult, RunPage, RunQuery, RunRecord, ScheduleFire,
  ScheduleRecord, Store, TokenRecord, TokenScope, DayFence, GameDayRecord, StoredDayEvent,
} from './store.js';

/**
 * The Store on top of Kysely; identical for both dialects. Every method funnels through `call`, the one
 * place where foreign database errors become FaultlineErrors that name the operation and the database.
 */
export class SqlStore implements Store {
  readonly dialect: Dialect;
  readonly location: string;
  readonly #ctx: StoreContext;
  /** Verified tokens, for TOKEN_CACHE_TTL_MS (tables/tokens.ts): a request's auth needs no query. */
  readonly #tokenCache = new tokens.TokenCache();
  readonly #schema: string | undefined;
  readonly #close: () => Promise<void>;
  #closing: Promise<void> | undefined;

  constructor(ctx: StoreContext, options: { location: string; schema?: string; close: () => Promise<void> }) {
    this.#ctx = ctx;
    this.dialect = ctx.dialect;
    this.location = options.location;
    this.#schema = options.schema;
    this.#close = options.close;
  }

  async #call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw wrapStoreError(operation, this.location, err);
    }
  }

  schemaVersion(): Promise<string> {
    return this.#call('schemaVersion', async () => (await appliedMigrations(this.#ctx.db, this.#schema)).at(-1) ?? '');
  }
  ping(): Promise<void> {
    return this.#call('ping', async () => {
      await sql`select 1`.execute(this.#ctx.db);
    });
  }
  close(): Promise<void> {
    this.#closing ??= this.#call('close', this.#close);
    return this.#closing;
  }

  // Runs
  createRun(run: NewRun): Promise<RunRecord> {
    return this.#call('createRun', () => runs.createRun(this.#ctx, run));
  }
  createRunIdempotent(input: { key: string; requestHash: string; run: NewRun }): Promise<{ run: RunRecord; created: boolean }> {
    return this.#call('createRunIdempotent', () => runs.createRunIdempotent(this.#ctx, input));
  }
  getRun(runId: string): Promise<RunRecord | undefined> {
    return this.#call('getRun', () => runs.getRun(this.#ctx, runId));
  }
  listRuns(query?: RunQuery): Promise<RunPage> {
    return this.#call('listRuns', () => runs.listRuns(this.#ctx, query));
  }
  setFencingToken(runId: string, token: number): Promise<void> {
    return this.#call('setFencingToken', () => runs.setFencingToken(this.#ctx, runId, token));
  }
  deleteRun(runId: string): Promise<void> {
    return this.#call('deleteRun', () => prune.deleteRun(this.#ctx, runId));
  }
  pruneRuns(criteria: PruneCriteria): Promise<PruneResult> {
    return this.#call('pruneRuns', () => prune.pruneRuns(this.#ctx, criteria));
  }

  // Run ownership (controller replicas)
  renewRunOwnership(replica: string, runs: readonly { runId: string; token: number }[], ttlMs: number): Promise<string[]> {
    return this.#call('renewRunOwnership', () => ownership.renewRunOwnership(this.#ctx, replica, runs, ttlMs));
  }
  listAdoptableRuns(): Promise<AdoptableRun[]> {
    return this.#call('listAdoptableRuns', () => ownership.listAdoptableRuns(this.#ctx));
  }
  adoptRun(input: { runId: string; replica: string; expectedToken: number; ttlMs: number }): Promise<RunOwner | undefined> {
    return this.#call('adoptRun', () => ownership.adoptRun(this.#ctx, input));
  }
  releaseRunOwnership(runId: string, fence: RunFence): Promise<void> {
    return this.#call('releaseRunOwnership', () => ownership.releaseRunOwnership(this.#ctx, runId, fence));
  }

  // Journal
  append(runId: string, body: JournalEventBody, fence?: RunFence): Promise<JournalEvent> {
    return this.#call('append', () => journal.appendEvent(this.#ctx, runId, body, fence));
  }
  read(runId: string, options: { afterSeq?: number } = {}): Promise<JournalEvent[]> {
    return this.#call('read', () => journal.readEvents(this.#ctx, runId, options.afterSeq));
  }
  listUnfinishedRuns(): Promise<string[]> {
    return this.#call('listUnfinishedRuns', () => journal.listUnfinishedRuns(this.#ctx));
  }

  // Experiments
  putExperiment(input: { name: string; body: string; parsed: Json; createdBy?: string }): Promise<ExperimentRecord> {
    return this.#call('putExperiment', () => experiments.putExperiment(this.#ctx, input));
  }
  getExperiment(name: string, options?: { version?: number; includeDeleted?: boolean }): Promise<ExperimentRecord | undefined> {
    return this.#call('getExperiment', () => experiments.getExperiment(this.#ctx, name, options));
  }
  listExperiments(): Promise<ExperimentRecord[]> {
    return this.#call('listExperiments', () => experiments.listExperiments(this.#ctx));
  }
  listExperimentVersions(name: string): Promise<ExperimentRecord[]> {
    return this.#call('listExperimentVersions', () => experiments.listExperimentVersions(this.#ctx, name));
  }
  deleteExperiment(name: string, options?: { by?: string }): Promise<void> {
    return this.#call('deleteExperiment', () => experiments.deleteExperiment(this.#ctx, name, options));
  }

  // Tokens
  createToken(input: { name: string; scopes: readonly TokenScope[] }): Promise<{ token: TokenRecord; secret: string }> {
    return this.#call('createToken', () => tokens.createToken(this.#ctx, input));
  }
  verifyToken(secret: string): Promise<TokenRecord | undefined> {
    return this.#call('verifyToken', () => tokens.verifyToken(this.#ctx, secret, this.#tokenCache));
  }
  revokeToken(tokenId: string): Promise<void> {
    return this.#call('revokeToken', async () => {
      await tokens.revokeToken(this.#ctx, tokenId, this.#tokenCache);
      this.#tokenCache.forget(tokenId); // also a verify that cached it while the revoke was in flight
    });
  }
  listTokens(): Promise<TokenRecord[]> {
    return this.#call('listTokens', () => tokens.listTokens(this.#ctx));
  }

  // Audit
  appendAudit(entry: NewAuditEntry): Promise<AuditEntry> {
    return this.#call('appendAudit', () => audit.appendAudit(this.#ctx, entry));
  }
  listAudit(options?: { limit?: number; before?: number }): Promise<AuditEntry[]> {
    return this.#call('listAudit', () => audit.listAudit(this.#ctx, options));
  }

  // Halt
  getHalt(): Promise<HaltState> {
    return this.#call('getHalt', () => halt.getHalt(this.#ctx));
  }
  setHalt(input: { halted: boolean; reason?: string; by?: string }): Promise<HaltState> {
    return this.#call('setHalt', () => halt.setHalt(this.#ctx, input));
  }

  // Schedules
  createSchedule(input: { scheduleId?: string; name: string; body: JsonObject; paused?: boolean }): Promise<ScheduleRecord> {
    return this.#call('createSchedule', () => schedules.createSchedule(this.#ctx, input));
  }
  getSchedule(scheduleId: string): Promise<ScheduleRecord | undefined> {
    return this.#call('getSchedule', () => schedules.getSchedule(this.#ctx, scheduleId));
  }
  listSchedules(): Promise<ScheduleRecord[]> {
    return this.#call('listSchedules', () => schedules.listSchedules(this.#ctx));
  }
  updateSchedule(scheduleId: string, patch: { name?: string; body?: JsonObject; paused?: boolean }): Promise<ScheduleRecord> {
    return this.#call('updateSchedule', () => schedules.updateSchedule(this.#ctx, scheduleId, patch));
  }
  deleteSchedule(scheduleId: string): Promise<void> {
    return this.#call('deleteSchedule', () => schedules.deleteSchedule(this.#ctx, scheduleId));
  }
  recordScheduleFire(input: { scheduleId: string; decision: FireDecision; reason?: string; runId?: string; at?: Date }): Promise<ScheduleFire> {
    return this.#call('recordScheduleFire', () => schedules.recordScheduleFire(this.#ctx, input));
  }
  listScheduleFires(scheduleId: string, options?: { limit?: number; before?: number }): Promise<ScheduleFire[]> {
    return this.#call('listScheduleFires', () => schedules.listScheduleFires(this.#ctx, scheduleId, options));
  }

  // Game days
  appendDayEvent(dayId: string, body: JsonObject, fence?: DayFence): Promise<StoredDayEvent> {
    return this.#call('appendDayEvent', () => gamedays.appendDayEvent(this.#ctx, dayId, body, fence));
  }
  readDayEvents(dayId: string, options?: { step?: number }): Promise<StoredDayEvent[]> {
    return this.#call('readDayEvents', () => gamedays.readDayEvents(this.#ctx, dayId, options));
  }
  getGameDay(dayId: string): Promise<GameDayRecord | undefined> {
    return this.#call('getGameDay', () => gamedays.getGameDay(this.#ctx, dayId));
  }
  listGameDays(options?: { state?: 'running' | 'ended'; limit?: number }): Promise<GameDayRecord[]> {
    return this.#call('listGameDays', () => gamedays.listGameDays(this.#ctx, options));
  }

  // Leases
  tryAcquire(name: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    return this.#call('tryAcquire', () => leases.tryAcquire(this.#ctx, name, holder, ttlMs));
  }
  getLease(name: string): Promise<Lease | undefined> {
    return this.#call('getLease', () => leases.getLease(this.#ctx, name));
  }
  release(name: string, holder: string): Promise<void> {
    return this.#call('release', () => leases.release(this.#ctx, name, holder));
  }
  isCurrent(name: string, token: number): Promise<boolean> {
    return this.#call('isCurrent', () => leases.isCurrent(this.#ctx, name, token));
  }
}

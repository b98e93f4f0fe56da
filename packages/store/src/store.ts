import type { JournalEvent, JournalEventBody, JournalSink, JournalSource, Json, JsonObject, Lease, LeaseStore, Outcome, RunState } from '@faultline/core';

/*
 * Conventions for everything below:
 * - Timestamps are ISO-8601 UTC strings with milliseconds (`2025-01-31T12:00:00.000Z`).
 * - `get*` resolves `undefined` for an unknown id; mutations of an unknown id throw NotFoundError.
 * - Database failures surface as StoreError (retryable when transient) or TimeoutError.
 */

/** Where a run came from. */
export type RunSource = 'cli' | 'api' | 'schedule';
export const runSources = ['cli', 'api', 'schedule'] as const satisfies readonly RunSource[];

/** One run as stored. `state`, `outcome`, `reason`, `startedAt` and `endedAt` follow its journal. */
export interface RunRecord {
  readonly runId: string;
  readonly experiment: string;
  readonly experimentVersion?: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly state: RunState;
  readonly outcome?: Outcome;
  readonly reason?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** When the run left `pending`. */
  readonly startedAt?: string;
  /** When it reached a terminal state. */
  readonly endedAt?: string;
  readonly idempotencyKey?: string;
  readonly requestHash?: string;
  /** Fencing token of the scheduler lease under which the run was started. */
  readonly fencingToken?: number;
  readonly scheduleId?: string;
  readonly source: RunSource;
  readonly dryRun: boolean;
  /** Sequence number of the newest journal event (0: none yet). */
  readonly lastSeq: number;
  /** The controller replica that owns (hosts) the run; absent for runs without an owner (CLI, older versions). */
  readonly owner?: RunOwner;
}

/** Who owns a run across controller replicas: a per-run lease plus a fencing token. */
export interface RunOwner {
  /** Replica id (unique per live controller process). */
  readonly replica: string;
  /** Bumped by every adoption; a journal write under an older token is refused (RunOwnershipLostError). */
  readonly token: number;
  /** When the owner last renewed its lease. */
  readonly renewedAt?: string;
  /** When the lease runs out unless renewed; after that another replica may adopt the run. */
  readonly expiresAt?: string;
}

/** Proof of ownership presented with a journal write. */
export interface RunFence {
  readonly replica: string;
  readonly token: number;
}

/** An unfinished run whose owner's lease has expired (or that never had an owner). */
export interface AdoptableRun {
  readonly runId: string;
  readonly state: RunState;
  /** Absent: the run never had an owner (older version, or a process that did not claim it). */
  readonly owner?: RunOwner;
  /** Token the adoption must match (0 for never-owned runs). */
  readonly token: number;
}

/**
 * Run ownership for controller replicas sharing one store. All lease times come from the store's clock;
 * replicas need roughly synchronised clocks (NTP), with owner TTLs far above the skew.
 */
export interface RunOwnershipStore {
  /**
   * Renews the owner lease of each run `replica` still owns under the given token and whose lease has not
   * expired. Resolves the run ids renewed; a run missing from the answer is lost (expired or adopted).
   */
  renewRunOwnership(replica: string, runs: readonly { runId: string; token: number }[], ttlMs: number): Promise<string[]>;
  /** Unfinished runs whose owner lease expired (or which never had an owner), oldest first. */
  listAdoptableRuns(): Promise<AdoptableRun[]>;
  /**
   * Takes over one run with a single conditional UPDATE: succeeds only if the run is unfinished, its token
   * is still `expectedToken` and its owner lease has expired (or it has no owner). Bumps the token.
   * Resolves the new ownership, or undefined when another replica won or the owner renewed in time.
   */
  adoptRun(input: { runId: string; replica: string; expectedToken: number; ttlMs: number }): Promise<RunOwner | undefined>;
  /** Gives a run up (its lease expires now) so a live replica adopts it at its next scan. No-op unless fenced owner. */
  releaseRunOwnership(runId: string, fence: RunFence): Promise<void>;
}

export interface NewRun {
  /** Defaults to a fresh `newRunId()`. */
  readonly runId?: string;
  readonly experiment: string;
  readonly experimentVersion?: number;
  readonly labels?: Readonly<Record<string, string>>;
  readonly source: RunSource;
  readonly dryRun?: boolean;
  readonly scheduleId?: string;
  readonly fencingToken?: number;
  /** Claims the new run for a controller replica (owner lease of `ttlMs`, token 1). */
  readonly owner?: { readonly replica: string; readonly ttlMs: number };
}

export interface RunQuery {
  readonly state?: RunState | readonly RunState[];
  readonly experiment?: string;
  /** Every pair must match (AND). See parseLabelSelector for `key=value,key2=value2`. */
  readonly labels?: Readonly<Record<string, string>>;
  /** 1..500, default 50. */
  readonly limit?: number;
  /** Opaque, from a previous page's `nextCursor`. */
  readonly cursor?: string;
}

/** Newest first. `nextCursor` is absent on the last page. */
export interface RunPage {
  readonly runs: RunRecord[];
  readonly nextCursor?: string;
}

export interface RunStore {
  /** Creates a run in state `pending`. Throws ConflictError when `runId` exists. */
  createRun(run: NewRun): Promise<RunRecord>;
  /**
   * Creates the run unless `key` was used before; the database's UNIQUE constraint decides, so it is
   * safe under any number of concurrent callers and replicas. Same key + same hash -> that run,
   * `created: false`. Same key + other hash -> IdempotencyConflictError.
   */
  createRunIdempotent(input: { key: string; requestHash: string; run: NewRun }): Promise<{ run: RunRecord; created: boolean }>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  listRuns(query?: RunQuery): Promise<RunPage>;
  /** Records the lease fencing token a run was started under. NotFoundError for an unknown run. */
  setFencingToken(runId: string, token: number): Promise<void>;
  /**
   * Deletes a finished run (terminal state) with its journal and labels. NotFoundError for an unknown run,
   * ConflictError for an active or revert-pending one (its faults may still be in). Schedule fire history
   * keeps its row (it explains past decisions) with a dangling run id.
   */
  deleteRun(runId: string): Promise<void>;
  /** Deletes the finished runs `criteria` selects (retention); active and revert-pending runs are never touched. */
  pruneRuns(criteria: PruneCriteria): Promise<PruneResult>;
}

/** Which finished runs a prune deletes. At least one of `endedBefore` and `keep`; both: both must allow it. */
export interface PruneCriteria {
  /** Only runs that ended before this ISO-8601 time. */
  readonly endedBefore?: string;
  /** The newest `keep` finished runs (by creation) always stay. */
  readonly keep?: number;
  /** Count (and list) what would go, delete nothing. */
  readonly dryRun?: boolean;
}

export interface PruneResult {
  /** Runs deleted, or that would be with `dryRun`. */
  readonly count: number;
  /** Their ids, newest first. */
  readonly runIds: readonly string[];
  readonly dryRun: boolean;
}

/**
 * The journal: append-only events per run. `append` assigns `seq` (1, 2, 3...) atomically, updates the
 * run row from `transition` and `verdict` events in the same transaction, and resolves only after the
 * transaction is durably committed. A `run-created` event creates the run row if it does not exist.
 */
export interface JournalStore extends JournalSink, JournalSource {
  /**
   * With `fence`, the append commits only while `fence.replica` still owns the run under `fence.token`
   * with an unexpired lease (checked in the same transaction); otherwise RunOwnershipLostError.
   */
  append(runId: string, body: JournalEventBody, fence?: RunFence): Promise<JournalEvent>;
  /** Events in `seq` order; `afterSeq` returns only newer ones (for tailing a live run). */
  read(runId: string, options?: { afterSeq?: number }): Promise<JournalEvent[]>;
}

export interface ExperimentRecord {
  readonly name: string;
  readonly version: number;
  /** The text as submitted (YAML or JSON). */
  readonly body: string;
  readonly parsed: Json;
  readonly createdAt: string;
  readonly createdBy?: string;
  readonly deletedAt?: string;
}

export interface ExperimentStore {
  /** Stores a new version (1 for a new name, else latest + 1, also after a delete). */
  putExperiment(input: { name: string; body: string; parsed: Json; createdBy?: string }): Promise<ExperimentRecord>;
  /** The latest live version, or the given version (deleted ones only with `includeDeleted`). */
  getExperiment(name: string, options?: { version?: number; includeDeleted?: boolean }): Promise<ExperimentRecord | undefined>;
  /** Latest live version of every experiment, by name. */
  listExperiments(): Promise<ExperimentRecord[]>;
  /** Every version of one experiment, oldest first, deleted ones included. */
  listExperimentVersions(name: string): Promise<ExperimentRecord[]>;
  /** Soft delete: versions stay readable for old runs. NotFoundError when there is no live version. */
  deleteExperiment(name: string, options?: { by?: string }): Promise<void>;
}

export type TokenScope = 'read' | 'run' | 'admin';
export const tokenScopes = ['read', 'run', 'admin'] as const satisfies readonly TokenScope[];

/** A token as stored: never the secret, only its SHA-256 hash (which this type does not expose). */
export interface TokenRecord {
  readonly tokenId: string;
  readonly name: string;
  readonly scopes: readonly TokenScope[];
  readonly createdAt: string;
  readonly lastUsedAt?: string;
  readonly revokedAt?: string;
}

export interface TokenStore {
  /** The plaintext `secret` is returned here once and never stored. */
  createToken(input: { name: string; scopes: readonly TokenScope[] }): Promise<{ token: TokenRecord; secret: string }>;
  /** The token for a presented secret (constant-time hash comparison); undefined if unknown, malformed or revoked. */
  verifyToken(secret: string): Promise<TokenRecord | undefined>;
  /** Idempotent. NotFoundError for an unknown id. */
  revokeToken(tokenId: string): Promise<void>;
  listTokens(): Promise<TokenRecord[]>;
}

export interface AuditEntry {
  /** Increasing; use as `before` to page backwards. */
  readonly auditId: number;
  readonly at: string;
  readonly actorTokenId?: string;
  readonly actorName?: string;
  /** e.g. `runs.create`, `halt.set`, `tokens.revoke`. */
  readonly action: string;
  readonly target?: string;
  readonly remoteAddress?: string;
  readonly details: JsonObject;
}

export type NewAuditEntry = Omit<AuditEntry, 'auditId' | 'at' | 'details'> & { readonly details?: JsonObject };

export interface AuditStore {
  appendAudit(entry: NewAuditEntry): Promise<AuditEntry>;
  /** Newest first; `before` is an auditId (exclusive). `limit` 1..1000, default 100. */
  listAudit(options?: { limit?: number; before?: number }): Promise<AuditEntry[]>;
}

/** The global kill switch. */
export interface HaltState {
  readonly halted: boolean;
  readonly reason?: string;
  readonly by?: string;
  /** When it was last set or cleared. */
  readonly at?: string;
}

export interface HaltStore {
  getHalt(): Promise<HaltState>;
  setHalt(input: { halted: boolean; reason?: string; by?: string }): Promise<HaltState>;
}

export type FireDecision = 'started' | 'skipped';

export interface ScheduleFire {
  readonly fireId: number;
  readonly scheduleId: string;
  readonly at: string;
  readonly decision: FireDecision;
  readonly reason?: string;
  readonly runId?: string;
}

export interface ScheduleRecord {
  readonly scheduleId: string;
  readonly name: string;
  /** The schedule definition (cron, window, experiment reference...) as validated by the scheduler. */
  readonly body: JsonObject;
  readonly paused: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lastFire?: Omit<ScheduleFire, 'fireId' | 'scheduleId'>;
}

export interface ScheduleStore {
  /** ConflictError when the name is taken. */
  createSchedule(input: { scheduleId?: string; name: string; body: JsonObject; paused?: boolean }): Promise<ScheduleRecord>;
  getSchedule(scheduleId: string): Promise<ScheduleRecord | undefined>;
  /** By name. */
  listSchedules(): Promise<ScheduleRecord[]>;
  updateSchedule(scheduleId: string, patch: { name?: string; body?: JsonObject; paused?: boolean }): Promise<ScheduleRecord>;
  /** The fire history is kept. */
  deleteSchedule(scheduleId: string): Promise<void>;
  /** Appends to the history and updates the schedule's last-fire fields in one transaction. */
  recordScheduleFire(input: { scheduleId: string; decision: FireDecision; reason?: string; runId?: string; at?: Date }): Promise<ScheduleFire>;
  /** Newest first; `before` is a fireId (exclusive). */
  listScheduleFires(scheduleId: string, options?: { limit?: number; before?: number }): Promise<ScheduleFire[]>;
}

/**
 * Everything the controller and CLI persist. Open with `openStore(url)`; the same behaviour on the
 * embedded SQLite file and on PostgreSQL.
 */
/** A controller game day as stored; `state` follows its journal (`ended` after its day-ended event). */
export interface GameDayRecord {
  readonly dayId: string;
  readonly name: string;
  /** running: not ended (driven by the replica holding its lease, or stopped and waiting to be resumed). */
  readonly state: 'running' | 'ended';
  readonly outcome?: string;
  readonly reason?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly endedAt?: string;
  readonly lastSeq: number;
}

/** One stored game-day event: the body as appended plus seq, at and dayId. */
export type StoredDayEvent = JsonObject & { readonly type: string; readonly seq: number; readonly at: string; readonly dayId: string };

/** Proof that the writer drives the day: the token of its `gameday:<id>` lease (see gameDayLeaseName). */
export interface DayFence {
  readonly token: number;
}

/**
 * Game days hosted by controllers. The store knows only the envelope (type, step, seq); the event bodies
 * belong to @faultline/gameday. Who drives a day is the lease `gameday:<dayId>` (LeaseStore).
 */
export interface GameDayStore {
  /** Seq is assigned atomically; `day-created` creates the day, `day-ended` ends it. Fenced: RunOwnershipLostError when the lease moved on. */
  appendDayEvent(dayId: string, body: JsonObject, fence?: DayFence): Promise<StoredDayEvent>;
  /** In seq order; `step` gives one step's events. Empty for an unknown day. */
  readDayEvents(dayId: string, options?: { step?: number }): Promise<StoredDayEvent[]>;
  getGameDay(dayId: string): Promise<GameDayRecord | undefined>;
  /** Newest first. */
  listGameDays(options?: { state?: 'running' | 'ended'; limit?: number }): Promise<GameDayRecord[]>;
  /** Who holds a lease now (undefined when free or expired): which replica drives a day, and until when. */
  getLease(name: string): Promise<Lease | undefined>;
}

export interface Store extends GameDayStore, RunStore, RunOwnershipStore, JournalStore, ExperimentStore, TokenStore, AuditStore, HaltStore, ScheduleStore, LeaseStore {
  readonly dialect: 'sqlite' | 'postgres';
  /** Where the data lives, without credentials (for logs). */
  readonly location: string;
  /** Name of the newest applied migration. */
  schemaVersion(): Promise<string>;
  /** Resolves when the database answers a trivial query (for /readyz). */
  ping(): Promise<void>;
  /** Closes the file or pool. Idempotent. */
  close(): Promise<void>;
}

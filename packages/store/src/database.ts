import type { ColumnType, Generated } from 'kysely';

/*
 * Row shapes shared by SQLite and PostgreSQL. Portable column types only, so one set of queries
 * serves both databases:
 * - timestamps: TEXT, ISO-8601 UTC with milliseconds (`Date#toISOString()`); fixed width, so string
 *   comparison and ORDER BY are chronological.
 * - JSON: TEXT holding JSON.stringify output (parsed on read).
 * - booleans: INTEGER 0/1.
 * - bigint columns come back as strings from `pg` and numbers from better-sqlite3: read them with Number().
 */

type Int = ColumnType<number, number, number>;
type BigIntCol = ColumnType<number | string, number, number>;

export interface RunsTable {
  id: string;
  experiment: string;
  experiment_version: number | null;
  labels: string;
  state: string;
  outcome: string | null;
  reason: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  ended_at: string | null;
  idempotency_key: string | null;
  request_hash: string | null;
  fencing_token: BigIntCol | null;
  schedule_id: string | null;
  source: string;
  dry_run: Int;
  last_seq: Int;
  /** Replica id owning the unfinished run (NULL: none, e.g. written by an older version). */
  owner: string | null;
  /** Bumped by every adoption; appends by a stale owner are refused. */
  owner_token: ColumnType<number | string, number | undefined, number>;
  owner_renewed_at: string | null;
  owner_expires_at: string | null;
}

export interface RunLabelsTable {
  run_id: string;
  key: string;
  value: string;
}

export interface JournalEventsTable {
  run_id: string;
  seq: Int;
  at: string;
  type: string;
  body: string;
}

export interface ExperimentsTable {
  name: string;
  version: Int;
  body: string;
  parsed: string;
  created_at: string;
  created_by: string | null;
  deleted_at: string | null;
  deleted_by: string | null;
}

export interface TokensTable {
  id: string;
  name: string;
  secret_hash: string;
  scopes: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor_token_id: string | null;
  actor_name: string | null;
  action: string;
  target: string | null;
  remote_address: string | null;
  details: string;
}

export interface HaltStateTable {
  id: Int;
  halted: Int;
  reason: string | null;
  halted_by: string | null;
  at: string | null;
}

export interface SchedulesTable {
  id: string;
  name: string;
  body: string;
  paused: Int;
  created_at: string;
  updated_at: string;
  last_fire_at: string | null;
  last_decision: string | null;
  last_reason: string | null;
  last_run_id: string | null;
}

export interface ScheduleFiresTable {
  id: Generated<number>;
  schedule_id: string;
  at: string;
  decision: string;
  reason: string | null;
  run_id: string | null;
}

export interface LeasesTable {
  name: string;
  holder: string | null;
  fencing_token: BigIntCol;
  expires_at: string;
  acquired_at: string;
}

export interface GameDaysTable {
  id: string;
  name: string;
  /** running (someone drives it or it stopped without ending: see the lease) | ended */
  state: string;
  outcome: string | null;
  reason: string | null;
  created_at: string;
  updated_at: string;
  ended_at: string | null;
  last_seq: Int;
}

export interface GameDayEventsTable {
  day_id: string;
  seq: Int;
  at: string;
  type: string;
  step: number | null;
  body: string;
}

export interface Database {
  runs: RunsTable;
  run_labels: RunLabelsTable;
  journal_events: JournalEventsTable;
  experiments: ExperimentsTable;
  tokens: TokensTable;
  audit_log: AuditLogTable;
  halt_state: HaltStateTable;
  schedules: SchedulesTable;
  schedule_fires: ScheduleFiresTable;
  leases: LeasesTable;
  gamedays: GameDaysTable;
  gameday_events: GameDayEventsTable;
}

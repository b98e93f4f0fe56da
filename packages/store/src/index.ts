export { openStore, parseStoreUrl, DEFAULT_SQLITE_PATH } from './open-store.js';
export type { OpenStoreOptions, StoreLocation } from './open-store.js';
export { StoreError, StoreSchemaError, IdempotencyConflictError } from './errors.js';
export { parseLabelSelector } from './labels.js';
export { latestSchemaVersion } from './migrations/migrate.js';
export { runSources, tokenScopes } from './store.js';
export { gameDayLeaseName } from './tables/gamedays.js';
export type {
  Store, RunStore, JournalStore, ExperimentStore, TokenStore, AuditStore, HaltStore, ScheduleStore,
  RunSource, RunRecord, NewRun, RunQuery, RunPage, PruneCriteria, PruneResult, ExperimentRecord, TokenScope, TokenRecord, AuditEntry, NewAuditEntry,
  HaltState, FireDecision, ScheduleFire, ScheduleRecord, RunOwnershipStore, RunOwner, RunFence, AdoptableRun,
  GameDayStore, GameDayRecord, StoredDayEvent, DayFence,
} from './store.js';
export type { SqliteOptions } from './dialects/sqlite.js';
export type { PostgresOptions } from './dialects/postgres.js';

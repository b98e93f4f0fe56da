import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import type { Dialect } from './dialects/dialect.js';

/** What every table module gets: the database, its dialect, the clock and a transaction runner. */
export interface StoreContext {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  readonly now: () => Date;
  /**
   * Runs `fn` in one transaction. On SQLite it is `BEGIN IMMEDIATE` (takes the write lock up front, so
   * concurrent processes on the same file wait on busy_timeout instead of failing mid-transaction).
   * Do not nest.
   */
  transact<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
}

/** ISO-8601 UTC with milliseconds: the one timestamp format in the store. */
export function nowIso(ctx: StoreContext): string {
  return ctx.now().toISOString();
}

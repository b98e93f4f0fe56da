import { sql, type Kysely } from 'kysely';
import { UsageError, systemClock, type Clock, type Logger } from '@faultline/core';
import type { Database } from './database.js';
import { StoreError, isUniqueViolation, wrapStoreError } from './errors.js';
import { ensureSchema, isValidSchemaName, openPostgres, redactUrl, type PostgresOptions } from './dialects/postgres.js';
import { openSqlite, type SqliteOptions } from './dialects/sqlite.js';
import { migrateToLatest } from './migrations/migrate.js';
import { retryOn } from './retry.js';
import { SqlStore } from './sql-store.js';
import type { Store } from './store.js';

/** The embedded database file used when no URL is given (relative to the working directory). */
export const DEFAULT_SQLITE_PATH = '.faultline/faultline.db';

export type StoreLocation =
  | { readonly dialect: 'sqlite'; readonly path: string }
  | { readonly dialect: 'postgres'; readonly url: string; readonly schema?: string };

/**
 * Reads a store URL:
 * - `postgres://user:pass@host:5432/db` or `postgresql://...`; `?schema=name` puts the tables in that schema.
 * - `sqlite:path/to/file.db`, `sqlite:///abs/path.db`, `sqlite::memory:` or `:memory:`.
 * - a plain file path (no `scheme://`) is an SQLite file; '' is DEFAULT_SQLITE_PATH.
 */
export function parseStoreUrl(url: string): StoreLocation {
  const trimmed = url.trim();
  if (trimmed === '') return { dialect: 'sqlite', path: DEFAULT_SQLITE_PATH };
  if (trimmed === ':memory:') return { dialect: 'sqlite', path: ':memory:' };
  if (/^postgres(ql)?:\/\//i.test(trimmed)) {
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch (err) {
      // No `cause`: URL errors carry the input, password included.
      throw new UsageError(`store URL ${redactUrl(trimmed)} is not a valid URL: ${(err as Error).message}`, {
        hint: 'Use postgres://user:password@host:5432/database.',
      });
    }
    const schema = parsed.searchParams.get('schema') ?? undefined;
    if (schema !== undefined && !isValidSchemaName(schema)) {
      throw new UsageError(`schema "${schema}" in the store URL is not a plain lower-case identifier`, { hint: 'Use letters, digits and _ only, e.g. ?schema=faultline.' });
    }
    parsed.searchParams.delete('schema');
    return { dialect: 'postgres', url: parsed.toString(), ...(schema !== undefined ? { schema } : {}) };
  }
  if (/^sqlite:/i.test(trimmed)) {
    let path = trimmed.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2);
    if (path === '') throw new UsageError(`store URL "${url}" names no file`, { hint: 'Use sqlite:path/to/faultline.db or sqlite::memory:.' });
    return { dialect: 'sqlite', path };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed);
  if (scheme) {
    throw new UsageError(`store URL scheme "${scheme[1]}" is not supported`, {
      hint: 'Use postgres://... for PostgreSQL, or sqlite:FILE / a file path for the embedded database.',
    });
  }
  return { dialect: 'sqlite', path: trimmed };
}

export interface OpenStoreOptions {
  /** Clock for timestamps, lease and idempotency expiry. Default: the system clock. */
  readonly clock?: Clock;
  readonly log?: Logger;
  readonly sqlite?: SqliteOptions;
  /** Pool and timeout settings; `schema` overrides `?schema=` in the URL. */
  readonly postgres?: Omit<PostgresOptions, 'log'>;
}

/**
 * Opens the store named by `url` (see parseStoreUrl), runs pending migrations and checks the schema
 * version. Throws UsageError for a bad URL, StoreSchemaError for a database from a newer Faultline,
 * StoreError/TimeoutError when the database cannot be reached.
 */
export async function openStore(url: string = DEFAULT_SQLITE_PATH, options: OpenStoreOptions = {}): Promise<Store> {
  const where = parseStoreUrl(url);
  const clock = options.clock ?? systemClock;
  const now = (): Date => clock.now();
  if (where.dialect === 'sqlite') {
    let conn;
    try {
      conn = openSqlite(where.path, options.sqlite);
    } catch (err) {
      throw wrapStoreError('open', `sqlite:${where.path}`, err);
    }
    try {
      // Kysely runs SQLite migrations without a transaction or lock. One BEGIN IMMEDIATE around them makes
      // a crash mid-migration roll back, and makes a second process opening a new file wait, then find it done.
      await conn.transact((trx) => migrateToLatest(trx, { dialect: 'sqlite', location: conn.location }));
    } catch (err) {
      await conn.close();
      throw wrapStoreError('open', conn.location, err);
    }
    return new SqlStore({ db: conn.db, dialect: 'sqlite', now, transact: conn.transact }, { location: conn.location, close: conn.close });
  }
  const schema = options.postgres?.schema ?? where.schema;
  if (schema !== undefined && !isValidSchemaName(schema)) {
    throw new UsageError(`PostgreSQL schema "${schema}" is not a plain lower-case identifier`, { hint: 'Use letters, digits and _ only.' });
  }
  const conn = openPostgres(where.url, {
    ...options.postgres,
    ...(schema !== undefined ? { schema } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  let effectiveSchema: string;
  try {
    // Two replicas creating the same schema at once can collide on the catalog's unique index.
    if (schema !== undefined) await retryOn(isUniqueViolation, 3, () => ensureSchema(conn.db, schema));
    // Pin the schema even when the URL names none: table lookups by name alone would match Faultline
    // tables in any other schema of the same database.
    effectiveSchema = schema ?? (await currentSchema(conn.db, conn.location));
    await migrateToLatest(conn.db, { dialect: 'postgres', location: conn.location, schema: effectiveSchema });
  } catch (err) {
    await conn.db.destroy();
    throw wrapStoreError('open', conn.location, err);
  }
  return new SqlStore({ db: conn.db, dialect: 'postgres', now, transact: conn.transact }, {
    location: conn.location,
    close: () => conn.db.destroy(),
    schema: effectiveSchema,
  });
}

async function currentSchema(db: Kysely<Database>, location: string): Promise<string> {
  const res = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const name = res.rows[0]?.schema;
  if (!name) {
    throw new StoreError(`the search_path of ${location} names no existing schema to create Faultline's tables in`, {
      hint: 'Add ?schema=faultline to the store URL, or create the schema on the search_path and grant this user CREATE on it.',
    });
  }
  return name;
}

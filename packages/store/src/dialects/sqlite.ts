import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import type { Database } from '../database.js';

export interface SqliteConnection {
  readonly db: Kysely<Database>;
  readonly location: string;
  transact<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /** Releases this handle; the file is closed when the last handle in the process is released. */
  close(): Promise<void>;
}

export interface SqliteOptions {
  /**
   * How long a statement waits for another process's write lock before SQLITE_BUSY. Default 5000.
   * Stores on the same file in one process share a connection; the first opener's value applies.
   */
  readonly busyTimeoutMs?: number;
}

interface Shared {
  readonly db: Kysely<Database>;
  readonly native: BetterSqlite3.Database;
  refs: number;
}

/*
 * better-sqlite3 waits for a lock by blocking the thread. Two connections to one file in one process
 * would therefore deadlock (the holder can never run its COMMIT while the waiter blocks the thread), so
 * every Store on the same file in this process shares one connection, and Kysely's connection mutex
 * serialises them. Other processes are separate threads and simply wait up to busy_timeout.
 */
const sharedByFile = new Map<string, Shared>();

function openNative(file: string, memory: boolean, options: SqliteOptions): BetterSqlite3.Database {
  if (!memory) mkdirSync(dirname(file), { recursive: true });
  const native = new BetterSqlite3(file, { timeout: options.busyTimeoutMs ?? 5000 });
  try {
    if (!memory) native.pragma('journal_mode = WAL');
    native.pragma('synchronous = FULL');
    native.pragma('foreign_keys = ON');
  } catch (err) {
    native.close();
    throw err;
  }
  return native;
}

/** Distinct SQL texts kept prepared per connection; the store issues a few dozen. */
const STATEMENT_CACHE_MAX = 500;

/**
 * Kysely prepares every statement on every call, and for a primary-key lookup preparing costs more
 * than running it (the controller's `GET /v1/runs/:id` did it twice per request). This hands Kysely
 * the same prepared statement for the same SQL text. better-sqlite3 runs a statement to completion
 * before returning, so reuse is safe; a statement still busy (an open iterator) is never handed out.
 */
function withStatementCache(native: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(text) {
      const hit = cache.get(text);
      if (hit && !hit.busy) return hit;
      const statement = native.prepare(text);
      if (!hit) {
        if (cache.size >= STATEMENT_CACHE_MAX) cache.clear();
        cache.set(text, statement);
      }
      return statement;
    },
    close: () => native.close(),
  };
}

/**
 * Opens (creating if needed) an SQLite file with WAL and synchronous=FULL: a committed transaction is
 * fsynced before the commit returns, so an appended journal event survives a power cut.
 * `:memory:` gives a private in-memory database (tests).
 */
export function openSqlite(path: string, options: SqliteOptions = {}): SqliteConnection {
  const memory = path === ':memory:';
  const file = memory ? path : resolve(path);
  let shared = memory ? undefined : sharedByFile.get(file);
  if (shared === undefined) {
    const native = openNative(file, memory, options);
    shared = { native, db: new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(native) }) }), refs: 0 };
    if (!memory) sharedByFile.set(file, shared);
  }
  shared.refs++;
  const { db, native } = shared;
  const own = shared;
  let closed = false;
  return {
    db,
    location: memory ? 'sqlite::memory:' : `sqlite:${file}`,
    transact: (fn) =>
      // Kysely's SQLite driver hands out its single connection behind a mutex: exclusive in-process.
      db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const result = await fn(conn);
          await sql`commit`.execute(conn);
          return result;
        } catch (err) {
          // A failed COMMIT (e.g. SQLITE_BUSY) leaves the transaction open; a failed statement may not.
          if (native.inTransaction) await sql`rollback`.execute(conn);
          throw err;
        }
      }),
    async close() {
      if (closed) return;
      closed = true;
      if (--own.refs > 0) return;
      if (sharedByFile.get(file) === own) sharedByFile.delete(file);
      await db.destroy();
    },
  };
}

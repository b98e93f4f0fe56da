import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Logger } from '@faultline/core';
import type { Database } from '../database.js';

export interface PostgresOptions {
  /** Tables live in this schema (created if missing); default: the server's search_path (usually `public`). */
  readonly schema?: string;
  /** Server-side limit per statement (statement_timeout). Default 10000. */
  readonly statementTimeoutMs?: number;
  /** Wait at most this long for a connection. Default 5000. */
  readonly connectTimeoutMs?: number;
  /** Pool size. Default 10. */
  readonly poolSize?: number;
  readonly log?: Logger;
}

export interface PostgresConnection {
  readonly db: Kysely<Database>;
  readonly location: string;
  readonly schema?: string;
  transact<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
}

const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;

export function isValidSchemaName(name: string): boolean {
  return SCHEMA_RE.test(name);
}

/** The URL without its password, for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable url)';
  }
}

/** A pg Pool behind Kysely, with statement, connect, lock and idle-in-transaction timeouts. */
export function openPostgres(url: string, options: PostgresOptions = {}): PostgresConnection {
  const statementTimeoutMs = options.statementTimeoutMs ?? 10_000;
  const settings = ['-c synchronous_commit=on'];
  if (options.schema !== undefined) settings.push(`-c search_path=${options.schema}`);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    statement_timeout: statementTimeoutMs,
    lock_timeout: statementTimeoutMs,
    // Client-side guard for a server that stops answering altogether.
    query_timeout: statementTimeoutMs + 5000,
    idle_in_transaction_session_timeout: 60_000,
    application_name: 'faultline',
    options: settings.join(' '),
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', (err) => options.log?.warn({ err: err.message }, 'postgres idle client error'));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    location: redactUrl(url) + (options.schema ? ` (schema ${options.schema})` : ''),
    ...(options.schema !== undefined ? { schema: options.schema } : {}),
    transact: (fn) => db.transaction().execute(fn),
  };
}

/** Creates the schema if it is missing (idempotent, safe when several replicas start at once). */
export async function ensureSchema(db: Kysely<Database>, schema: string): Promise<void> {
  await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
}

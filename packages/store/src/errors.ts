import { ConflictError, FaultlineError, TimeoutError } from '@faultline/core';

/**
 * The database failed or could not be reached. `retryable` is true for connection loss, lock
 * contention and serialization failures.
 */
export class StoreError extends FaultlineError {
  readonly code = 'FL_STORE_UNAVAILABLE' as const;
}

/** The database holds a schema this build does not know (written by a newer Faultline) or migrating failed. */
export class StoreSchemaError extends StoreError {}

/** An Idempotency-Key was reused with a different request body. */
export class IdempotencyConflictError extends ConflictError {
  readonly idempotencyKey: string;
  readonly runId: string;
  constructor(idempotencyKey: string, runId: string) {
    super(
      `Idempotency-Key "${idempotencyKey}" was already used for run ${runId} with a different request`,
      { hint: 'Send the same request body again to get that run back, or use a new Idempotency-Key for a new run.' },
    );
    this.idempotencyKey = idempotencyKey;
    this.runId = runId;
  }
}

const PG_TRANSIENT = new Set(['40001', '40P01', '55P03', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004']);
const NET_TRANSIENT = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

function errCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True for a UNIQUE / PRIMARY KEY violation on either database. */
export function isUniqueViolation(err: unknown): boolean {
  const code = errCode(err);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** True when the same statement may succeed if tried again (lock contention, dropped connection). */
export function isTransient(err: unknown): boolean {
  const code = errCode(err);
  if (code === undefined) return /Connection terminated|timeout exceeded when trying to connect/i.test(String((err as Error)?.message));
  return PG_TRANSIENT.has(code) || NET_TRANSIENT.has(code) || code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED';
}

/** Wraps a foreign database error so that only FaultlineErrors leave the package. */
export function wrapStoreError(operation: string, location: string, err: unknown): FaultlineError {
  if (err instanceof FaultlineError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = errCode(err);
  if (code === '57014' || /Query read timeout/i.test(message)) {
    return new TimeoutError(`store.${operation} on ${location} exceeded its statement timeout: ${message}`, { cause: err });
  }
  const retryable = isTransient(err);
  return new StoreError(`store.${operation} on ${location} failed${code ? ` (${code})` : ''}: ${message}`, {
    cause: err,
    retryable,
    hint: retryable
      ? 'The database is unreachable or busy; the call can be retried. Check that it is running and reachable.'
      : 'Check the database URL, permissions and free disk space; if it persists, report it with this message.',
  });
}

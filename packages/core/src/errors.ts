/** One place that says how each error surfaces: HTTP status and CLI exit code. */
export const errorCatalog = {
  FL_SPEC_INVALID: { http: 400, exit: 64, meaning: 'The experiment file or request body is invalid.' },
  FL_USAGE: { http: 400, exit: 64, meaning: 'The command line or request was used wrongly.' },
  FL_NOT_FOUND: { http: 404, exit: 3, meaning: 'A named run, experiment, schedule or target does not exist.' },
  FL_CONFLICT: { http: 409, exit: 3, meaning: 'The request conflicts with the current state (e.g. a global halt).' },
  FL_ILLEGAL_TRANSITION: { http: 409, exit: 3, meaning: 'A run was asked to move to a state it cannot reach.' },
  FL_BLAST_RADIUS: { http: 422, exit: 2, meaning: 'The resolved targets exceed a blast-radius limit.' },
  FL_PROVIDER: { http: 502, exit: 3, meaning: 'A fault backend (Toxiproxy, Kubernetes, Docker) failed.' },
  FL_PROBE: { http: 502, exit: 3, meaning: 'A probe could not be evaluated.' },
  FL_TIMEOUT: { http: 504, exit: 3, meaning: 'A call to the outside world did not answer in time.' },
  FL_REVERT_PENDING: { http: 500, exit: 4, meaning: 'Some faults could not be reverted yet; they are retried.' },
  FL_UNAUTHORIZED: { http: 401, exit: 3, meaning: 'No valid token was given.' },
  FL_FORBIDDEN: { http: 403, exit: 3, meaning: 'The token lacks the scope this call needs.' },
  FL_OWNERSHIP_LOST: { http: 409, exit: 3, meaning: 'This controller replica no longer owns the run (its lease expired or another replica adopted it); it stops touching the run.' },
  FL_STORE_UNAVAILABLE: { http: 503, exit: 3, meaning: 'The database (SQLite file or PostgreSQL) failed or could not be reached.' },
  FL_INTERNAL: { http: 500, exit: 3, meaning: 'A bug in Faultline; please report it.' },
} as const;

export type ErrorCode = keyof typeof errorCatalog;

/** Base of every error that crosses a package boundary. Foreign errors are wrapped (`cause`). */
export abstract class FaultlineError extends Error {
  abstract readonly code: ErrorCode;
  /** True when the same call may succeed if tried again (network blips, 429, 5xx, conflicts). */
  readonly retryable: boolean;
  /** Optional hint shown to people: how to fix it. */
  readonly hint: string | undefined;
  constructor(message: string, options: { cause?: unknown; retryable?: boolean; hint?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retryable = options.retryable ?? false;
    this.hint = options.hint;
  }
}

/** One problem found in an experiment file, located as precisely as the parser can. */
export interface SpecIssue {
  /** JSON path in the document, e.g. `spec.faults[1].with.latency`; '' for the whole document. */
  readonly path: string;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** What was found there, printed for the user (already shortened). */
  readonly found?: string;
  /** What would be valid there, e.g. ['one', 'all', 'fixed']. */
  readonly allowed?: readonly string[];
}

export class SpecInvalidError extends FaultlineError {
  readonly code = 'FL_SPEC_INVALID' as const;
  readonly issues: readonly SpecIssue[];
  constructor(issues: readonly SpecIssue[], options: { file?: string } = {}) {
    super(formatSpecIssues(issues, options.file));
    this.issues = issues;
  }
}

/** Formats issues as `file:line:col  path: message (found X; allowed: a, b)`, one per line. */
export function formatSpecIssues(issues: readonly SpecIssue[], file?: string): string {
  return issues
    .map((i) => {
      const where = [i.file ?? file, i.line, i.column].filter((x) => x !== undefined).join(':');
      const extra = [i.found !== undefined ? `found ${i.found}` : '', i.allowed?.length ? `allowed: ${i.allowed.join(', ')}` : '']
        .filter(Boolean)
        .join('; ');
      return `${where ? where + '  ' : ''}${i.path || '(document)'}: ${i.message}${extra ? ` (${extra})` : ''}`;
    })
    .join('\n');
}

export class UsageError extends FaultlineError {
  readonly code = 'FL_USAGE' as const;
}
export class NotFoundError extends FaultlineError {
  readonly code = 'FL_NOT_FOUND' as const;
}
export class ConflictError extends FaultlineError {
  readonly code = 'FL_CONFLICT' as const;
}
export class IllegalTransitionError extends FaultlineError {
  readonly code = 'FL_ILLEGAL_TRANSITION' as const;
  constructor(readonly from: string, readonly to: string) {
    super(`illegal run transition ${from} -> ${to}`);
  }
}
export class BlastRadiusError extends FaultlineError {
  readonly code = 'FL_BLAST_RADIUS' as const;
}
/** A fault backend failed. `retryable` marks transient failures (timeouts, 429, 5xx, resets). */
export class ProviderError extends FaultlineError {
  readonly code = 'FL_PROVIDER' as const;
}
export class ProbeError extends FaultlineError {
  readonly code = 'FL_PROBE' as const;
}
export class TimeoutError extends FaultlineError {
  readonly code = 'FL_TIMEOUT' as const;
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, retryable: true });
  }
}
export class RevertPendingError extends FaultlineError {
  readonly code = 'FL_REVERT_PENDING' as const;
}
export class UnauthorizedError extends FaultlineError {
  readonly code = 'FL_UNAUTHORIZED' as const;
}
export class ForbiddenError extends FaultlineError {
  readonly code = 'FL_FORBIDDEN' as const;
}
/**
 * A replica tried to write a run's journal without owning it any more: its owner lease expired (a GC
 * pause, a VM freeze, a lost database connection) or another replica adopted the run and bumped the
 * fencing token. The writer must stop touching the run; the adopter reverts it from the journal.
 */
export class RunOwnershipLostError extends FaultlineError {
  readonly code = 'FL_OWNERSHIP_LOST' as const;
}

/** True for RunOwnershipLostError, also across duplicated module instances (checks the code). */
export function isOwnershipLost(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'FL_OWNERSHIP_LOST';
}

export class InternalError extends FaultlineError {
  readonly code = 'FL_INTERNAL' as const;
}

/** A plain, JSON-safe description of any thrown value, for journals and API bodies. */
export interface ErrorInfo {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof FaultlineError) return { code: err.code, message: err.message, retryable: err.retryable };
  if (err instanceof Error) return { code: 'FL_INTERNAL', message: err.message, retryable: false };
  return { code: 'FL_INTERNAL', message: String(err), retryable: false };
}

import {
  ConflictError, FaultlineError, ForbiddenError, InternalError, NotFoundError, ProviderError, SpecInvalidError,
  UnauthorizedError, UsageError, type SpecIssue,
} from '@faultline/core';

/** The controller answered with an error body; `status` and `code` are kept. */
export class ApiError extends FaultlineError {
  readonly code: FaultlineError['code'];
  constructor(readonly status: number, code: string, message: string, options: { hint?: string; retryable?: boolean } = {}) {
    super(message, options);
    this.code = (code in codeToClass ? code : 'FL_INTERNAL') as FaultlineError['code'];
  }
}

const codeToClass: Record<string, new (m: string, o?: { hint?: string }) => FaultlineError> = {
  FL_NOT_FOUND: NotFoundError, FL_CONFLICT: ConflictError, FL_UNAUTHORIZED: UnauthorizedError, FL_FORBIDDEN: ForbiddenError,
  FL_USAGE: UsageError, FL_PROVIDER: ProviderError, FL_INTERNAL: InternalError,
};

/** Turns an error response into the matching core error, so the CLI prints and exits the same way. */
export function errorFromResponse(status: number, body: unknown, what: string): FaultlineError {
  const b = (body && typeof body === 'object' ? body : {}) as { code?: string; message?: string; hint?: string; issues?: SpecIssue[] };
  const message = `${what}: ${b.message ?? `HTTP ${status}`}`;
  if (b.code === 'FL_SPEC_INVALID' && Array.isArray(b.issues)) return new SpecInvalidError(b.issues);
  const Cls = b.code ? codeToClass[b.code] : undefined;
  if (Cls && status < 500) return new Cls(message, b.hint ? { hint: b.hint } : {});
  return new ApiError(status, b.code ?? 'FL_INTERNAL', message, { retryable: status >= 500 || status === 429, ...(b.hint ? { hint: b.hint } : {}) });
}

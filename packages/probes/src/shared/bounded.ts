import { FaultlineError, ProbeError, TimeoutError, withTimeout, type CallContext } from '@faultline/core';

/** Used when a caller passes no usable ctx.timeoutMs (0, negative, NaN or Infinity). */
const FALLBACK_TIMEOUT_MS = 30_000;

/** The tighter of the probe's own `timeout` and the engine's ctx.timeoutMs. */
export function effectiveTimeoutMs(ctx: CallContext, ownMs?: number): number {
  const engine = Number.isFinite(ctx.timeoutMs) && ctx.timeoutMs > 0 ? ctx.timeoutMs : FALLBACK_TIMEOUT_MS;
  return ownMs !== undefined && ownMs > 0 ? Math.min(ownMs, engine) : engine;
}

/**
 * Runs one outside call for a probe, bounded by `timeoutMs` and ctx.signal. Whatever goes wrong
 * leaves as a FaultlineError: a timeout becomes a retryable ProbeError naming `what`; a cancellation
 * by the caller rethrows the caller's reason when it is a FaultlineError; foreign errors are wrapped
 * by `describe`, which must say what failed in words people understand.
 */
export async function bounded<T>(
  opts: { what: string; ctx: CallContext; timeoutMs: number; describe: (err: unknown) => ProbeError },
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  try {
    return await withTimeout(opts.what, opts.timeoutMs, fn, opts.ctx.signal);
  } catch (err) {
    if (opts.ctx.signal.aborted) {
      const reason: unknown = opts.ctx.signal.reason;
      if (reason instanceof FaultlineError) throw reason;
      throw new ProbeError(`${opts.what} was cancelled before it finished`, { cause: reason });
    }
    if (err instanceof TimeoutError) {
      throw new ProbeError(`${opts.what} did not answer within ${opts.timeoutMs}ms`, {
        cause: err,
        retryable: true,
        hint: 'The target may be overloaded or unreachable; raise the probe timeout only if slow answers are acceptable.',
      });
    }
    if (err instanceof FaultlineError) throw err;
    throw opts.describe(err);
  }
}

/** A short reason for a network error: 'connection refused (ECONNREFUSED)'. */
export function networkReason(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset by peer',
    ENOTFOUND: 'host name not found',
    EAI_AGAIN: 'DNS lookup failed temporarily',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ETIMEDOUT: 'connection timed out',
    EPIPE: 'connection closed while sending',
    UND_ERR_SOCKET: 'connection closed unexpectedly',
    UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
    UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
    UND_ERR_BODY_TIMEOUT: 'response body stalled',
    ERR_PROBE_HEADERS_TIMEOUT: 'no response headers in time',
    ERR_PROBE_BODY_TIMEOUT: 'response body stalled',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate (set insecureTls: true only for test systems)',
    SELF_SIGNED_CERT_IN_CHAIN: 'untrusted certificate chain',
    CERT_HAS_EXPIRED: 'certificate has expired',
    ERR_TLS_CERT_ALTNAME_INVALID: 'certificate does not match the host name',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate cannot be verified',
  };
  if (code && known[code]) return `${known[code]} (${code})`;
  if (e?.cause !== undefined && e.cause !== err) {
    const inner = networkReason(e.cause);
    if (inner) return inner;
  }
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return code ? `${message} (${code})` : message;
}

import { silentLogger, type CallContext, type SecretResolver } from '@faultline/core';

/** A CallContext for tests: a generous timeout and a signal the test may abort. */
export function testContext(opts: { timeoutMs?: number; signal?: AbortSignal; secrets?: SecretResolver } = {}): CallContext {
  return {
    signal: opts.signal ?? new AbortController().signal, log: silentLogger, timeoutMs: opts.timeoutMs ?? 5_000,
    ...(opts.secrets ? { secrets: opts.secrets } : {}),
  };
}

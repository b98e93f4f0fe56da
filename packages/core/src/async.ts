import { TimeoutError } from './errors.js';

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. Leaves no timer behind. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `fn` with a signal that aborts after `timeoutMs` or when `parent` aborts.
 * A timeout rejects with TimeoutError naming `what`, even if `fn` ignores its signal.
 */
export async function withTimeout<T>(
  what: string,
  timeoutMs: number,
  fn: (signal: AbortSignal) => Promise<T>,
  parent?: AbortSignal,
): Promise<T> {
  const ctl = new AbortController();
  const onParentAbort = () => ctl.abort(parent?.reason);
  if (parent?.aborted) ctl.abort(parent.reason);
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(ctl.signal),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          // Built only when it fires: an Error with a stack per call was the scheduler's hottest path.
          const timeoutErr = new TimeoutError(`${what} did not finish within ${timeoutMs}ms`);
          ctl.abort(timeoutErr);
          reject(timeoutErr);
        }, timeoutMs);
        if (ctl.signal.aborted) reject(ctl.signal.reason); // parent was aborted before we started
        else ctl.signal.addEventListener('abort', () => reject(ctl.signal.reason), { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    parent?.removeEventListener('abort', onParentAbort);
  }
}

/**
 * Like withTimeout for a call that takes no signal (it cannot be cancelled, only given up on):
 * rejects with TimeoutError naming `what` when `fn` has not settled after `timeoutMs`. Cheaper than
 * withTimeout (no AbortController), for hot paths such as the scheduler's per-decision store calls.
 */
export async function withDeadline<T>(what: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TimeoutError(`${what} did not finish within ${timeoutMs}ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Exponential backoff with full jitter: attempt 1 -> [0, initial], doubling up to max. */
export function backoffMs(attempt: number, opts: { initialMs: number; maxMs: number; random?: () => number }): number {
  const cap = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.max(0, attempt - 1));
  const r = (opts.random ?? Math.random)();
  // Half fixed, half jitter: never zero (a tight retry loop against a struggling backend helps nobody).
  return Math.round(cap / 2 + (r * cap) / 2);
}

export type Awaitable<T> = T | Promise<T>;

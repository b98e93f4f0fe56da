import {
  isOwnershipLost, backoffMs, sleep, systemClock, toErrorInfo, withTimeout, type Clock, type FaultProvider, type JournalEventBody, type Logger, type RevertPolicy,
  type Target, type Json, type SecretResolver,
} from '@faultline/core';

/** A fault on one target that may be active and must be reverted. */
export interface ActiveFault {
  fault: string;
  faultType: string;
  target: Target;
  undo?: Json;
  /** The fault's `with:` as journaled before inject (credentials redacted, secret references kept). */
  params?: Json;
  /** The message of the last failed revert attempt (for revert-pending reasons). */
  lastError?: string;
  /** Attempts already made (a recover continues counting). */
  attempts: number;
}

export interface RevertOptions {
  runId: string;
  policy: RevertPolicy;
  providers: ReadonlyMap<string, FaultProvider<any, any>>;
  log: Logger;
  journal(body: JournalEventBody): Promise<unknown>;
  by?: 'run' | 'recover';
  /** Max concurrent reverts within one fault's targets. */
  concurrency?: number;
  random?: () => number;
  /** Measures revert durations. Default: the system clock. */
  clock?: Clock;
  /** Resolves secret references again at revert time. */
  secrets?: SecretResolver;
}

/**
 * Reverts one fault on one target, retrying with exponential backoff + jitter and a per-call timeout.
 * Journals `fault-reverting` before every attempt and `fault-reverted` only after success.
 * Resolves true when reverted, false when `policy.maxAttempts` attempts all failed.
 */
export async function revertWithRetry(f: ActiveFault, opts: RevertOptions): Promise<boolean> {
  const provider = opts.providers.get(f.faultType);
  for (let i = 1; i <= opts.policy.maxAttempts; i++) {
    const attempt = f.attempts + 1;
    f.attempts = attempt;
    await opts.journal({ type: 'fault-reverting', fault: f.fault, targetId: f.target.id, attempt });
    const started = (opts.clock ?? systemClock).monotonic();
    try {
      if (!provider) throw new Error(`no provider for fault type "${f.faultType}" is registered in this process`);
      await withTimeout(`revert of "${f.fault}" on ${f.target.name}`, opts.policy.timeoutMs, (signal) =>
        provider.revert(f.target, f.undo, {
          runId: opts.runId, faultName: f.fault, signal, log: opts.log, timeoutMs: opts.policy.timeoutMs,
          ...(opts.secrets ? { secrets: opts.secrets } : {}), ...(f.params !== undefined ? { params: f.params } : {}),
        }));
      await opts.journal({
        type: 'fault-reverted', fault: f.fault, targetId: f.target.id, attempt, durationMs: (opts.clock ?? systemClock).monotonic() - started, by: opts.by ?? 'run',
      });
      return true;
    } catch (err) {
      if (isOwnershipLost(err)) throw err;
      const last = i === opts.policy.maxAttempts;
      const retryInMs = last ? undefined : backoffMs(i, { initialMs: opts.policy.initialBackoffMs, maxMs: opts.policy.maxBackoffMs, ...(opts.random ? { random: opts.random } : {}) });
      opts.log.warn({ runId: opts.runId, targetId: f.target.id, attempt, err: (err as Error).message }, 'revert failed');
      f.lastError = toErrorInfo(err).message;
      await opts.journal({
        type: 'fault-revert-failed', fault: f.fault, targetId: f.target.id, attempt, error: toErrorInfo(err),
        ...(retryInMs !== undefined ? { retryInMs } : {}),
      });
      if (retryInMs !== undefined) await sleep(retryInMs);
    }
  }
  return false;
}

/**
 * Reverts every fault, newest fault first; targets of one fault in parallel (bounded).
 * Returns the faults that are still not reverted. Throws only RunOwnershipLostError (from `journal`):
 * another replica owns the run now, so this process stops touching it at once.
 */
export async function revertAll(faults: readonly ActiveFault[], opts: RevertOptions): Promise<ActiveFault[]> {
  const groups: ActiveFault[][] = [];
  for (const f of faults) {
    const g = groups.find((x) => x[0]?.fault === f.fault);
    if (g) g.push(f);
    else groups.push([f]);
  }
  const failed: ActiveFault[] = [];
  const limit = Math.max(1, opts.concurrency ?? 16);
  let lost: unknown;
  for (const group of groups.reverse()) {
    let next = 0;
    const worker = async () => {
      while (next < group.length && lost === undefined) {
        const f = group[next++] as ActiveFault;
        try {
          if (!(await revertWithRetry(f, opts))) failed.push(f);
        } catch (err) {
          if (!isOwnershipLost(err)) throw err;
          lost = err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, group.length) }, worker));
    if (lost !== undefined) throw lost;
  }
  return failed;
}

import { UsageError, parseDuration, silentLogger, type Clock, type Logger } from '@faultline/core';
import type { PruneResult, Store } from '@faultline/store';

export interface RetentionOptions {
  store: Store;
  clock: Clock;
  /** Finished runs that ended longer ago than this are deleted (with their journals). */
  maxAgeMs: number;
  /** Only the replica holding the scheduler lease prunes, so replicas do not race each other. */
  isLeader: () => boolean;
  /** How often to sweep (default hourly). */
  everyMs?: number;
  log?: Logger;
}

const DAYS_RE = /^(\d{1,5})(d|w)$/;
const MAX_RETENTION_MS = 100 * 366 * 86_400_000;

/**
 * A retention age: `90d`, `2w`, or any experiment duration (`12h`, `30m`). Throws UsageError naming the
 * `where` (flag or field) and what to write instead.
 */
export function parseRetention(text: string, where: string): number {
  const t = text.trim();
  const days = DAYS_RE.exec(t);
  const ms = days ? Number(days[1]) * (days[2] === 'w' ? 7 : 1) * 86_400_000 : (() => {
    try {
      return parseDuration(t);
    } catch {
      return NaN;
    }
  })();
  if (!Number.isFinite(ms) || ms <= 0) throw new UsageError(`${where} "${text}" is not a duration`, { hint: 'Use a number with a unit: 90d, 2w, 12h, 30m.' });
  if (ms > MAX_RETENTION_MS) throw new UsageError(`${where} "${text}" is longer than 100 years`, { hint: 'Use a shorter age, e.g. 365d; to keep runs forever, leave retention off.' });
  return ms;
}

/** The audit actor for deletions the retention setting makes (no token did them). */
export const RETENTION_ACTOR = 'retention';

/**
 * `faultline server --retention 90d`: deletes finished runs older than the setting, periodically, on the
 * leader only. Active and revert-pending runs are never touched (the store refuses them). Each sweep
 * that deletes something writes one `runs.prune` audit entry.
 */
export class RetentionService {
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<PruneResult | undefined> | undefined;
  constructor(private readonly opts: RetentionOptions) {}

  start(): void {
    this.#timer ??= setInterval(() => void this.sweep(), this.opts.everyMs ?? 3_600_000);
    this.#timer.unref();
    void this.sweep();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#sweeping;
  }

  /** One sweep now (skipped when not the leader or a sweep is running). Resolves what it deleted. */
  sweep(): Promise<PruneResult | undefined> {
    if (this.#sweeping || !this.opts.isLeader()) return this.#sweeping ?? Promise.resolve(undefined);
    this.#sweeping = this.#run().finally(() => { this.#sweeping = undefined; });
    return this.#sweeping;
  }

  async #run(): Promise<PruneResult | undefined> {
    const log = this.opts.log ?? silentLogger;
    const endedBefore = new Date(this.opts.clock.nowMs() - this.opts.maxAgeMs).toISOString();
    try {
      const result = await this.opts.store.pruneRuns({ endedBefore });
      if (result.count > 0) {
        await this.opts.store.appendAudit({
          action: 'runs.prune', actorName: RETENTION_ACTOR,
          details: { endedBefore, count: result.count, maxAgeMs: this.opts.maxAgeMs, runIds: result.runIds.slice(0, 100) },
        });
        log.info({ count: result.count, endedBefore }, `retention: deleted ${result.count} finished run(s) that ended before ${endedBefore}`);
      }
      return result;
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'retention: could not prune finished runs; will try again at the next sweep');
      return undefined;
    }
  }
}

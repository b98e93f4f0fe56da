/** Counters a limiter keeps, for benchmarks and tests. */
export interface LimiterStats {
  readonly calls: number;
  readonly inFlight: number;
  readonly maxInFlight: number;
}

/** Bounds how many API requests are in flight at once (FIFO, so no request starves). */
export class Limiter {
  private active = 0;
  private peak = 0;
  private started = 0;
  private readonly queue: Array<() => void> = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxConcurrency must be a positive integer, got ${max}`);
  }

  get stats(): LimiterStats {
    return { calls: this.started, inFlight: this.active, maxInFlight: this.peak };
  }

  /** Runs `fn` once a slot is free. A signal that aborts while queued rejects without running it. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.active >= this.max) {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          const i = this.queue.indexOf(go);
          if (i >= 0) this.queue.splice(i, 1);
          reject(signal?.reason);
        };
        const go = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        this.queue.push(go);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    } else this.active++;
    // A slot handed over by release() keeps `active` unchanged, so the count never dips below the real number.
    this.started++;
    this.peak = Math.max(this.peak, this.active);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.active--;
  }
}

import { sleep, systemClock, type Clock, type GuardSpec, type Logger, type ProbeResult, type Registry, type SecretResolver } from '@faultline/core';
import { runProbe } from './probe-runner.js';

export interface GuardObservation {
  guard: GuardSpec;
  result: ProbeResult;
  consecutiveFailures: number;
}

export interface GuardLoopOptions {
  guards: readonly GuardSpec[];
  registry: Registry;
  log: Logger;
  onObservation(o: GuardObservation): void | Promise<void>;
  /** Called once, synchronously after the breaching observation is recorded. */
  onBreach(o: GuardObservation): void;
  /** Paces the guards. Default: the system clock. */
  clock?: Clock;
  /** Resolves secret references in probe parameters at each evaluation. */
  secrets?: SecretResolver;
}

/**
 * Runs every guard on its own timer: a slow probe delays only its own guard. Each guard's probe gets
 * a timeout no longer than its `every`, so a hung backend counts as a failure at the next tick.
 */
export class GuardLoop {
  // One controller per guard, not one shared signal: with 1,000 guards a shared signal would carry
  // thousands of listeners that every tick adds and removes.
  private readonly stops: AbortController[] = [];
  private readonly loops: Promise<void>[] = [];
  private breached = false;
  readonly last = new Map<string, GuardObservation>();

  constructor(private readonly opts: GuardLoopOptions) {}

  start(): void {
    for (const g of this.opts.guards) {
      const stop = new AbortController();
      this.stops.push(stop);
      this.loops.push(this.loop(g, stop.signal));
    }
  }

  private async loop(guard: GuardSpec, signal: AbortSignal): Promise<void> {
    let consecutive = 0;
    while (!signal.aborted) {
      const started = (this.opts.clock ?? systemClock).monotonic();
      const result = await runProbe(guard, this.opts.registry, { signal, log: this.opts.log, timeoutMs: Math.min(guard.timeoutMs, guard.everyMs), ...(this.opts.secrets ? { secrets: this.opts.secrets } : {}), ...(this.opts.clock ? { clock: this.opts.clock } : {}) });
      if (signal.aborted) return;
      consecutive = result.ok ? 0 : consecutive + 1;
      const obs = { guard, result, consecutiveFailures: consecutive };
      this.last.set(guard.name, obs);
      await this.opts.onObservation(obs);
      if (consecutive >= guard.breachAfter && !this.breached && !signal.aborted) {
        this.breached = true;
        this.opts.onBreach(obs);
        return;
      }
      const wait = guard.everyMs - ((this.opts.clock ?? systemClock).monotonic() - started);
      await sleep(Math.max(0, wait), signal).catch(() => undefined);
    }
  }

  /** Stops every guard and waits for in-flight probes to settle (they are aborted). */
  async stop(): Promise<void> {
    const reason = new Error('guards stopped');
    for (const stop of this.stops) stop.abort(reason);
    await Promise.allSettled(this.loops);
  }
}

import nodeCron from 'node-cron';
import type { Awaitable } from '@faultline/core';

/** Calls a handler periodically. The Scheduler never sets timers itself, so tests drive it by hand. */
export interface Ticker {
  start(onTick: () => Awaitable<void>): void;
  stop(): void;
}

/**
 * A node-cron driven ticker. The default, every 2 seconds, keeps the leader lease (10 s TTL) renewed
 * five times per TTL and bounds fire-time skew to about 2 s.
 */
export function createCronTicker(options: { expression?: string } = {}): Ticker {
  const expression = options.expression ?? '*/2 * * * * *';
  if (!nodeCron.validate(expression)) throw new RangeError(`ticker expression "${expression}" is not valid node-cron syntax`);
  let task: ReturnType<typeof nodeCron.createTask> | undefined;
  return {
    start(onTick) {
      if (task) return;
      // Overlapping ticks are coalesced by the Scheduler itself; node-cron only has to call.
      task = nodeCron.createTask(expression, async () => {
        await onTick();
      }, { name: 'faultline-scheduler', suppressMissedWarning: true });
      void task.start();
    },
    stop() {
      const t = task;
      task = undefined;
      if (t) void t.destroy();
    },
  };
}

/** A ticker that ticks only when `tick()` is called; `tick()` resolves when the handler is done. */
export interface ManualTicker extends Ticker {
  tick(): Promise<void>;
  readonly running: boolean;
}

export function createManualTicker(): ManualTicker {
  let handler: (() => Awaitable<void>) | undefined;
  return {
    start(onTick) {
      handler = onTick;
    },
    stop() {
      handler = undefined;
    },
    async tick() {
      if (handler) await handler();
    },
    get running() {
      return handler !== undefined;
    },
  };
}

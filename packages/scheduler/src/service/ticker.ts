import nodeCron from 'node-cron';
import { systemClock, type Awaitable, type Clock } from '@faultline/core';

/** Calls a handler periodically. The Scheduler never sets timers itself, so tests drive it by hand. */
export interface Ticker {
  start(onTick: () => Awaitable<void>): void;
  stop(): void;
  /**
   * Optional: also call the handler at `epochMs` (the next planned fire), so a slot is decided when it
   * comes rather than at the next periodic tick. Each call replaces the previous wake-up.
   */
  wakeAt?(epochMs: number): void;
}

/** Wake-ups further ahead than this are left to the periodic ticks (which also re-plan). */
const MAX_WAKE_AHEAD_MS = 60_000;

/**
 * A node-cron driven ticker. The default, every 2 seconds, keeps the leader lease (10 s TTL) renewed
 * five times per TTL and bounds fire-time skew to about 2 s.
 */
export function createCronTicker(options: { expression?: string; clock?: Clock } = {}): Ticker {
  const expression = options.expression ?? '*/2 * * * * *';
  if (!nodeCron.validate(expression)) throw new RangeError(`ticker expression "${expression}" is not valid node-cron syntax`);
  const clock = options.clock ?? systemClock;
  let task: ReturnType<typeof nodeCron.createTask> | undefined;
  let handler: (() => Awaitable<void>) | undefined;
  let wake: NodeJS.Timeout | undefined;
  return {
    start(onTick) {
      if (task) return;
      handler = onTick;
      // Overlapping ticks are coalesced by the Scheduler itself; node-cron only has to call.
      task = nodeCron.createTask(expression, async () => {
        await onTick();
      }, { name: 'faultline-scheduler', suppressMissedWarning: true });
      void task.start();
    },
    stop() {
      const t = task;
      task = undefined;
      handler = undefined;
      clearTimeout(wake);
      wake = undefined;
      if (t) void t.destroy();
    },
    wakeAt(epochMs) {
      clearTimeout(wake);
      wake = undefined;
      const delay = epochMs - clock.nowMs();
      if (!handler || !(delay < MAX_WAKE_AHEAD_MS)) return;
      const onTick = handler;
      wake = setTimeout(() => {
        wake = undefined;
        void onTick();
      }, Math.max(0, delay));
      wake.unref();
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

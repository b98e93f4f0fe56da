/**
 * Where product code reads the time. Everything that stamps, expires, schedules or measures takes a
 * `Clock`, so tests drive time with a manual clock and never depend on today's date or the machine's
 * time zone. This is the only module allowed to read the wall clock or the monotonic timer (lint rule
 * `faultline/clock-only` in eslint.config.js).
 */
export interface Clock {
  /** Wall-clock time as a Date (a new object each call). */
  now(): Date;
  /** Wall-clock time in epoch milliseconds. */
  nowMs(): number;
  /** Monotonic milliseconds for measuring durations; unrelated to the wall clock, never goes back. */
  monotonic(): number;
}

export const systemClock: Clock = {
  now: () => new Date(),
  nowMs: () => Date.now(),
  monotonic: () => performance.now(),
};

/** A clock that only moves when told to; `monotonic` moves with it. */
export interface ManualClock extends Clock {
  set(at: Date | string | number): void;
  advance(ms: number): Date;
}

export function createManualClock(start: Date | string | number): ManualClock {
  let t = new Date(start).getTime();
  if (Number.isNaN(t)) throw new RangeError(`createManualClock: invalid start time ${String(start)}`);
  let mono = 0;
  return {
    now: () => new Date(t),
    nowMs: () => t,
    monotonic: () => mono,
    set(at) {
      const next = new Date(at).getTime();
      if (next > t) mono += next - t;
      t = next;
    },
    advance(ms) {
      t += ms;
      mono += Math.max(0, ms);
      return new Date(t);
    },
  };
}

/** A clock that reads `base` shifted by a fixed offset (tests of "the machine's clock is wrong"). */
export function offsetClock(base: Clock, offsetMs: number): Clock {
  return { now: () => new Date(base.nowMs() + offsetMs), nowMs: () => base.nowMs() + offsetMs, monotonic: () => base.monotonic() };
}

import { compileCron, type CompiledCron } from '../time/cron.js';
import { parseClock, type CompiledWindow } from '../time/windows.js';
import { weekdayNumber, type Schedule } from '../spec/schedule.js';

/** Everything the decision logic needs, precomputed once per Schedule object. */
export interface CompiledSchedule {
  readonly schedule: Schedule;
  readonly zone: string;
  readonly cron?: CompiledCron;
  readonly seed?: string;
  readonly windows: readonly CompiledWindow[];
  readonly blackout: ReadonlySet<string>;
}

const cache = new WeakMap<Schedule, CompiledSchedule>();

/** Compiles (and caches) a validated schedule. Schedules are immutable; a changed one is a new object. */
export function compileSchedule(schedule: Schedule): CompiledSchedule {
  const hit = cache.get(schedule);
  if (hit) return hit;
  const { spec } = schedule;
  const windows = spec.windows.map((w): CompiledWindow => {
    const start = parseClock(w.start) as number;
    const end = parseClock(w.end, true) as number;
    return { days: new Set(w.days.map((d) => weekdayNumber[d])), startMinute: start, endMinute: end <= start ? end + 1440 : end };
  });
  const compiled: CompiledSchedule = {
    schedule,
    zone: spec.timeZone,
    windows,
    blackout: new Set(spec.blackoutDates),
    ...(spec.trigger.type === 'cron' ? { cron: compileCron(spec.trigger.expression) } : { seed: spec.trigger.seed }),
  };
  cache.set(schedule, compiled);
  return compiled;
}

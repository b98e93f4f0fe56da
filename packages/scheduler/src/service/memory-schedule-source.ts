import { NotFoundError } from '@faultline/core';
import type { Schedule } from '../spec/schedule.js';
import { systemClock, type Clock } from './clock.js';
import type { FireRecord, ScheduleSource, StoredSchedule } from './schedule-source.js';

export interface MemoryScheduleSource extends ScheduleSource {
  /** Adds or replaces a schedule (id = metadata.name unless given). Replacing keeps its history and cursor. */
  put(schedule: Schedule, options?: { scheduleId?: string; createdAt?: Date; baseDir?: string }): StoredSchedule;
  remove(scheduleId: string): void;
  /** Records every decision or, if one names a schedule that does not exist, none. */
  recordFires(records: readonly FireRecord[]): Promise<void>;
  /** Newest first. */
  history(scheduleId: string): readonly FireRecord[];
}

/** ScheduleSource in memory, for tests and benchmarks. */
export function createMemoryScheduleSource(options: { clock?: Clock } = {}): MemoryScheduleSource {
  const clock = options.clock ?? systemClock;
  const schedules = new Map<string, StoredSchedule>();
  const histories = new Map<string, FireRecord[]>();
  const storedOf = (record: FireRecord): StoredSchedule => {
    const stored = schedules.get(record.scheduleId);
    if (!stored) throw new NotFoundError(`schedule ${record.scheduleId} does not exist (recording a fire for ${record.slot.toISOString()})`);
    return stored;
  };
  const recordOne = (record: FireRecord): void => {
    const stored = storedOf(record);
    const list = histories.get(record.scheduleId) ?? [];
    list.unshift(record);
    list.length = Math.min(list.length, stored.schedule.spec.historyLimit);
    histories.set(record.scheduleId, list);
    if (!stored.lastSlotAt || stored.lastSlotAt < record.slot) schedules.set(record.scheduleId, { ...stored, lastSlotAt: record.slot });
  };
  return {
    async list() {
      return [...schedules.values()];
    },
    async recordFire(record) {
      recordOne(record);
    },
    async recordFires(records) {
      records.forEach(storedOf); // all or none, like a store's transaction
      records.forEach(recordOne);
    },
    put(schedule, opts = {}) {
      const scheduleId = opts.scheduleId ?? schedule.metadata.name;
      const prev = schedules.get(scheduleId);
      const stored: StoredSchedule = {
        scheduleId,
        schedule,
        createdAt: prev?.createdAt ?? opts.createdAt ?? clock.now(),
        ...(prev?.lastSlotAt ? { lastSlotAt: prev.lastSlotAt } : {}),
        ...(opts.baseDir ? { baseDir: opts.baseDir } : {}),
      };
      schedules.set(scheduleId, stored);
      return stored;
    },
    remove(scheduleId) {
      schedules.delete(scheduleId);
    },
    history(scheduleId) {
      return histories.get(scheduleId) ?? [];
    },
  };
}

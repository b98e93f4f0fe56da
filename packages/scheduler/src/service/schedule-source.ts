import type { Schedule, SkipReason } from '../spec/schedule.js';

/** A schedule as the store keeps it. */
export interface StoredSchedule {
  /** Stable id (the store's); runs carry it as `scheduleId`. */
  readonly scheduleId: string;
  readonly schedule: Schedule;
  readonly createdAt: Date;
  /**
   * Slot time of the newest recorded decision: the scheduler's persisted cursor. Slots up to here
   * are never looked at again, which is what makes a restart or a new leader continue, not repeat.
   */
  readonly lastSlotAt?: Date;
  /** Folder that relative calendar paths are resolved against (the schedule file's). Default: cwd. */
  readonly baseDir?: string;
}

/** One decision about one due slot; `decision: 'started'` carries the run id. */
export interface FireRecord {
  readonly scheduleId: string;
  /** The slot (planned fire time). Stores use it as `lastSlotAt`. */
  readonly slot: Date;
  /** When the decision was made (slot + skew). */
  readonly decidedAt: Date;
  readonly decision: 'started' | 'skipped';
  readonly reason?: SkipReason;
  /** Extra words for people: the run that is still active, the error of a failed start. */
  readonly detail?: string;
  readonly runId?: string;
  /** True when startRun answered with an existing run for the same slot (another leader started it). */
  readonly duplicate?: boolean;
  /** Older due slots superseded by this one after downtime (never fired). */
  readonly missedSlots: number;
  readonly fencingToken: number;
  readonly holderId: string;
}

/**
 * Where the scheduler reads schedules and writes decisions. The controller backs it with
 * packages/store; tests use createMemoryScheduleSource.
 */
export interface ScheduleSource {
  /** Every schedule, paused ones included. */
  list(): Promise<readonly StoredSchedule[]>;
  /** Appends to the schedule's history (trimmed to spec.historyLimit) and moves its lastSlotAt to `slot`. */
  recordFire(record: FireRecord): Promise<void>;
  /**
   * Optional: records several decisions in one round trip (e.g. one transaction), each exactly as
   * recordFire would. When present, decisions made while a write is in flight are written together by
   * the next call (a herd of 10,000 due schedules is a few writes, not 10,000); all or none should land.
   */
  recordFires?(records: readonly FireRecord[]): Promise<void>;
}

/** Handed to startRun: who fires, for which slot, and the key that makes a second start of the same slot a no-op. */
export interface FireTicket {
  readonly fencingToken: number;
  readonly slot: Date;
  /** `schedule:<scheduleId>:<slot ISO>`: the same slot always gives the same key. */
  readonly idempotencyKey: string;
}

/**
 * Starts the schedule's experiment. Must reject a ticket whose fencing token is older than the newest
 * it has seen (a paused ex-leader), and must answer a repeated idempotency key with the existing run.
 */
export type StartRun = (stored: StoredSchedule, ticket: FireTicket) => Promise<{ readonly runId: string; readonly duplicate?: boolean }>;

/** The idempotency key of a slot. */
export function slotIdempotencyKey(scheduleId: string, slot: Date): string {
  return `schedule:${scheduleId}:${slot.toISOString()}`;
}

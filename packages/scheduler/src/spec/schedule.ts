import type { NotifySpec } from '@faultline/core';
/** Day names used in windows, Monday first. */
export const weekdayNames = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekdayName = (typeof weekdayNames)[number];

/** Cron-style weekday number (0 = Sunday) of a day name. */
export const weekdayNumber: Readonly<Record<WeekdayName, number>> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

export const concurrencyPolicies = ['forbid', 'allow'] as const;
export type ConcurrencyPolicy = (typeof concurrencyPolicies)[number];

/**
 * A time window on the wall clock of the schedule's zone. `end <= start` wraps past midnight; such a
 * window belongs to the day it starts (fri 22:00-06:00 covers Friday night into Saturday morning).
 */
export interface ScheduleWindow {
  readonly days: readonly WeekdayName[];
  /** `HH:MM`, as written. */
  readonly start: string;
  /** `HH:MM` or `24:00`, as written. */
  readonly end: string;
}

/** A holiday / change-freeze calendar: a file path (relative to the schedule file) or inline iCalendar text. */
export type CalendarRef =
  | { readonly source: 'file'; readonly path: string }
  | { readonly source: 'inline'; readonly ics: string };

/** When a schedule fires: a cron expression, or once a day at a seeded random time inside its windows. */
export type ScheduleTrigger =
  | { readonly type: 'cron'; readonly expression: string }
  | { readonly type: 'random-in-window'; readonly seed: string };

/**
 * A parsed, validated schedule. Plain JSON (no Dates), so stores can keep it as is and
 * `scheduleFromJson` can check it again when it is read back.
 */
export interface Schedule {
  readonly apiVersion: 'faultline.dev/v1';
  readonly kind: 'Schedule';
  readonly metadata: {
    readonly name: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly description?: string;
  };
  readonly spec: ScheduleSpec;
}

export interface ScheduleSpec {
  /** Name of a stored experiment. */
  readonly experiment: string;
  readonly trigger: ScheduleTrigger;
  /** IANA zone that cron times, windows, blackout dates and all-day events are read in. */
  readonly timeZone: string;
  /** Empty: any time of any day. */
  readonly windows: readonly ScheduleWindow[];
  /** `YYYY-MM-DD` local dates on which nothing fires. */
  readonly blackoutDates: readonly string[];
  readonly calendars: readonly CalendarRef[];
  readonly concurrencyPolicy: ConcurrencyPolicy;
  /** A slot missed (downtime) by more than this is skipped with `missed-deadline`; otherwise it fires late, once. */
  readonly startingDeadlineMs: number;
  readonly paused: boolean;
  /** How many fire decisions the store keeps for this schedule. */
  readonly historyLimit: number;
  /** Webhooks; `heads-up` entries are told `headsUpMs` before each fire. Run events come from the experiment's own notify. */
  readonly notify?: readonly NotifySpec[];
}

/** Defaults applied by the parser; documented in the README. */
export const scheduleDefaults = {
  concurrencyPolicy: 'forbid' as ConcurrencyPolicy,
  startingDeadline: '5m',
  startingDeadlineMs: 300_000,
  paused: false,
  historyLimit: 20,
} as const;

/**
 * Why a candidate slot does not fire. Planning reasons come from nextFireTimes/preview; the rest are
 * decided at fire time by decideFire and the Scheduler.
 */
export type SkipReason =
  | 'paused'
  | 'outside-window'
  | 'weekend'
  | 'not-a-window-day'
  | 'blackout-date'
  | `holiday: ${string}`
  | 'halted'
  | 'previous-run-active'
  | 'missed-deadline'
  | 'start-failed';

// Schedule model and parsing
export { weekdayNames, weekdayNumber, concurrencyPolicies, scheduleDefaults } from './spec/schedule.js';
export type {
  Schedule, ScheduleSpec, ScheduleWindow, ScheduleTrigger, CalendarRef, WeekdayName, ConcurrencyPolicy, SkipReason,
} from './spec/schedule.js';
export { scheduleDocumentSchema } from './spec/schedule-schema.js';
export type { ScheduleDocument } from './spec/schedule-schema.js';
export { parseSchedule, parseSchedules, parseScheduleObject, toScheduleDocument, MIN_STARTING_DEADLINE_MS } from './spec/parse-schedule.js';

// Calendars
export { parseCalendar } from './calendar/ics-parser.js';
export { loadCalendars, inlineCalendar } from './calendar/load-calendars.js';
export type { LoadCalendarsOptions } from './calendar/load-calendars.js';
export { blockingEvent } from './calendar/calendar-index.js';
export type { Calendar, CalendarEvent, IcsTime } from './calendar/calendar.js';

// Pure decisions
export { nextFireTimes, skipReasonsAt, resolveCalendars } from './decide/candidates.js';
export type { Candidate, CandidateOptions } from './decide/candidates.js';
export { resolveDueSlot, MAX_CATCH_UP_MS } from './decide/due-slot.js';
export type { DueSlot } from './decide/due-slot.js';
export { decideFire } from './decide/decide-fire.js';
export type { FireContext, FireDecision } from './decide/decide-fire.js';
export { preview } from './decide/preview.js';
export type { SchedulePreview, SkippedRange, PreviewFire } from './decide/preview.js';
export { wallToInstant, isValidTimeZone, formatLocal } from './time/zone-time.js';
export type { WallResolution, CivilDate } from './time/zone-time.js';
export { checkCron } from './time/cron.js';

// Service
export { createScheduler } from './service/scheduler.js';
export type { Scheduler, SchedulerOptions, SchedulerStatus } from './service/scheduler.js';
export { slotIdempotencyKey } from './service/schedule-source.js';
export type { ScheduleSource, StoredSchedule, FireRecord, FireTicket, StartRun } from './service/schedule-source.js';
export { createCronTicker, createManualTicker } from './service/ticker.js';
export type { Ticker, ManualTicker } from './service/ticker.js';
export { systemClock, createManualClock } from './service/clock.js';
export type { Clock, ManualClock } from './service/clock.js';

// In-memory implementations (tests, benchmarks, single-process use)
export { createMemoryLeaseStore } from './service/memory-lease-store.js';
export { createMemoryScheduleSource } from './service/memory-schedule-source.js';
export type { MemoryScheduleSource } from './service/memory-schedule-source.js';
export { createMemoryRunLedger } from './service/memory-run-ledger.js';
export type { MemoryRunLedger, LedgerRun } from './service/memory-run-ledger.js';

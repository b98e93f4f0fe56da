/**
 * A time value from an iCalendar file, kept as a wall-clock reading so recurrences expand on the wall
 * clock of their own zone (a weekly 12:00 Berlin freeze stays at 12:00 across DST).
 * `floatingMs` is the wall clock encoded as if it were UTC.
 */
export interface IcsTime {
  readonly floatingMs: number;
  readonly allDay: boolean;
  /** IANA zone of a TZID, 'UTC' for a trailing Z, undefined for floating times (read in the schedule's zone). */
  readonly zone?: string;
}

/** One VEVENT (a holiday, a change freeze). Recurrence overrides are separate events with `recurrenceId`. */
export interface CalendarEvent {
  readonly uid: string;
  readonly summary: string;
  readonly start: IcsTime;
  /** Wall-clock length; whole days for all-day events. */
  readonly durationMs: number;
  /** The RRULE value (`FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25`), if it recurs. */
  readonly rrule?: string;
  readonly rdates: readonly IcsTime[];
  readonly exdates: readonly IcsTime[];
  /** Set on an override of one occurrence of a recurring event with the same uid. */
  readonly recurrenceId?: IcsTime;
  /** STATUS:CANCELLED: the event (or, for an override, that occurrence) blocks nothing. */
  readonly cancelled: boolean;
  /** Line of BEGIN:VEVENT, for messages. */
  readonly line: number;
}

/** A parsed holiday / change-freeze calendar. */
export interface Calendar {
  /** The file path or `inline #n`, for messages and skip reasons. */
  readonly name: string;
  readonly events: readonly CalendarEvent[];
}

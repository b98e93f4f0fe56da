import { SpecInvalidError, type SpecIssue } from '@faultline/core';
import rrule from 'rrule';
import type { Calendar, CalendarEvent, IcsTime } from './calendar.js';
import { parseIcsDuration, parseIcsTime, parseIcsTimeList } from './ics-values.js';

const DAY_MS = 86_400_000;

interface ContentLine {
  readonly name: string;
  readonly params: Record<string, string>;
  readonly value: string;
  readonly line: number;
}

/**
 * Parses iCalendar text (RFC 5545) into the events that matter for scheduling: all-day and timed
 * VEVENTs with RRULE/RDATE/EXDATE, overrides (RECURRENCE-ID) and cancellations. VTIMEZONE blocks are
 * ignored: TZIDs must be IANA names. Throws SpecInvalidError listing every problem with its line.
 */
export function parseCalendar(text: string, options: { name: string }): Calendar {
  const issues: SpecIssue[] = [];
  const lines = unfold(text);
  const issue = (line: number, message: string) => issues.push({ path: '', message, file: options.name, line });

  const events: CalendarEvent[] = [];
  const stack: string[] = [];
  let current: { line: number; props: ContentLine[] } | undefined;
  let sawCalendar = false;

  for (const raw of lines) {
    if (raw.text.trim() === '') continue;
    const cl = parseContentLine(raw.text, raw.line);
    if (!cl) {
      issue(raw.line, `cannot read "${shorten(raw.text)}"; every line must look like NAME;PARAM=x:value`);
      continue;
    }
    if (cl.name === 'BEGIN') {
      const comp = cl.value.trim().toUpperCase();
      if (stack.length === 0 && comp !== 'VCALENDAR') issue(cl.line, `the file must start with BEGIN:VCALENDAR, found BEGIN:${comp}`);
      if (comp === 'VCALENDAR') sawCalendar = true;
      stack.push(comp);
      if (comp === 'VEVENT' && stack.length === 2) current = { line: cl.line, props: [] };
      continue;
    }
    if (cl.name === 'END') {
      const comp = cl.value.trim().toUpperCase();
      const open = stack.pop();
      if (open !== comp) issue(cl.line, `END:${comp} does not close ${open ? `BEGIN:${open}` : 'anything'}`);
      if (comp === 'VEVENT' && current && stack.length === 1) {
        const ev = toEvent(current.props, current.line, issue);
        if (ev) events.push(ev);
        current = undefined;
      }
      continue;
    }
    // Properties of nested components (VALARM) must not overwrite the event's own.
    if (current && stack.length === 2 && stack[1] === 'VEVENT') current.props.push(cl);
  }
  if (!sawCalendar) issue(1, 'no BEGIN:VCALENDAR found; is this an iCalendar (.ics) file?');
  else if (stack.length > 0) issue(lines.at(-1)?.line ?? 1, `unterminated BEGIN:${stack.at(-1)}`);
  if (issues.length > 0) throw new SpecInvalidError(issues, { file: options.name });
  return { name: options.name, events };
}

function toEvent(props: ContentLine[], line: number, issue: (line: number, message: string) => void): CalendarEvent | undefined {
  const get = (n: string) => props.find((p) => p.name === n);
  const time = (p: ContentLine): IcsTime | undefined => {
    try {
      return parseIcsTime(p.value, p.params);
    } catch (err) {
      issue(p.line, `${p.name}: ${(err as Error).message}`);
      return undefined;
    }
  };
  const dtstart = get('DTSTART');
  if (!dtstart) {
    issue(line, 'VEVENT has no DTSTART');
    return undefined;
  }
  const start = time(dtstart);
  if (!start) return undefined;

  let durationMs = start.allDay ? DAY_MS : 0;
  const dtend = get('DTEND');
  const duration = get('DURATION');
  if (dtend) {
    const end = time(dtend);
    if (!end) return undefined;
    if (end.allDay !== start.allDay) {
      issue(dtend.line, 'DTEND must be a DATE when DTSTART is a DATE (and a DATE-TIME when DTSTART is one)');
      return undefined;
    }
    // Wall-clock length; DTSTART and DTEND in different zones are rare enough to read both as one zone.
    durationMs = end.floatingMs - start.floatingMs;
  } else if (duration) {
    try {
      durationMs = parseIcsDuration(duration.value);
    } catch (err) {
      issue(duration.line, `DURATION: ${(err as Error).message}`);
      return undefined;
    }
  }
  if (durationMs < 0) {
    issue((dtend ?? duration ?? dtstart).line, 'the event ends before it starts');
    return undefined;
  }

  const rruleProp = get('RRULE');
  if (rruleProp) {
    try {
      rrule.RRule.parseString(rruleProp.value);
    } catch (err) {
      issue(rruleProp.line, `RRULE "${shorten(rruleProp.value)}" is invalid: ${(err as Error).message}`);
      return undefined;
    }
  }
  const list = (name: string): IcsTime[] => {
    const out: IcsTime[] = [];
    for (const p of props.filter((x) => x.name === name)) {
      try {
        out.push(...parseIcsTimeList(p.value, p.params));
      } catch (err) {
        issue(p.line, `${name}: ${(err as Error).message}`);
      }
    }
    return out;
  };
  const recurrence = get('RECURRENCE-ID');
  const recurrenceId = recurrence ? time(recurrence) : undefined;
  return {
    uid: get('UID')?.value ?? `line-${line}`,
    summary: unescapeText(get('SUMMARY')?.value ?? '(no summary)'),
    start,
    durationMs,
    ...(rruleProp ? { rrule: rruleProp.value.trim() } : {}),
    rdates: list('RDATE'),
    exdates: list('EXDATE'),
    ...(recurrenceId ? { recurrenceId } : {}),
    cancelled: get('STATUS')?.value.trim().toUpperCase() === 'CANCELLED',
    line,
  };
}

function unfold(text: string): Array<{ text: string; line: number }> {
  const out: Array<{ text: string; line: number }> = [];
  const raw = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  raw.forEach((l, i) => {
    const last = out.at(-1);
    if ((l.startsWith(' ') || l.startsWith('\t')) && last) last.text += l.slice(1);
    else out.push({ text: l, line: i + 1 });
  });
  return out;
}

function parseContentLine(text: string, line: number): ContentLine | undefined {
  const nameMatch = /^([A-Za-z0-9-]+)/.exec(text);
  if (!nameMatch) return undefined;
  const name = (nameMatch[1] as string).toUpperCase();
  let i = name.length;
  const params: Record<string, string> = Object.create(null) as Record<string, string>; // parameter names are input
  while (text[i] === ';') {
    const eq = text.indexOf('=', i);
    if (eq < 0) return undefined;
    const key = text.slice(i + 1, eq).toUpperCase();
    let j = eq + 1;
    let value = '';
    if (text[j] === '"') {
      const close = text.indexOf('"', j + 1);
      if (close < 0) return undefined;
      value = text.slice(j + 1, close);
      j = close + 1;
      // Multi-valued parameters keep their first value; scheduling needs only TZID and VALUE.
      while (text[j] === ',') {
        const next = /^,(?:"[^"]*"|[^;:,]*)/.exec(text.slice(j));
        if (!next) return undefined;
        j += next[0].length;
      }
    } else {
      const m = /^[^;:]*/.exec(text.slice(j)) as RegExpExecArray;
      value = m[0];
      j += value.length;
    }
    params[key] = value;
    i = j;
  }
  if (text[i] !== ':') return undefined;
  return { name, params, value: text.slice(i + 1), line };
}

function unescapeText(v: string): string {
  return v.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c)).trim();
}

function shorten(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { normalizeNotify, parseDuration, SpecInvalidError, type JsonObject, type SpecIssue } from '@faultline/core';
import { parseCalendar } from '../calendar/ics-parser.js';
import { checkCron } from '../time/cron.js';
import { isValidTimeZone, parseDate } from '../time/zone-time.js';
import { scheduleDefaults, type CalendarRef, type Schedule, type ScheduleWindow, type WeekdayName, weekdayNames } from './schedule.js';
import { scheduleDocumentSchema, type ScheduleDocument } from './schedule-schema.js';

type Path = ReadonlyArray<string | number>;
type Locate = (path: Path, key?: boolean) => { line: number; column: number } | undefined;

let checker: TypeCheck<typeof scheduleDocumentSchema> | undefined;

/** Shortest deadline accepted: ticks and store calls make every fire a little late. */
export const MIN_STARTING_DEADLINE_MS = 10_000;

/**
 * Parses one `kind: Schedule` YAML (or JSON) document. Throws SpecInvalidError listing every problem
 * with its path (`spec.windows[0].end`), line and column. Unknown keys are errors.
 */
export function parseSchedule(text: string, options: { file?: string } = {}): Schedule {
  const all = parseSchedules(text, options);
  if (all.length !== 1) {
    throw new SpecInvalidError([{ path: '', message: `expected exactly one Schedule document, found ${all.length}; use parseSchedules for several` }], options);
  }
  return all[0] as Schedule;
}

/** Parses every document of a multi-document YAML stream (`---` separated). */
export function parseSchedules(text: string, options: { file?: string } = {}): Schedule[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (!Array.isArray(docs) || docs.length === 0) {
    throw new SpecInvalidError([{ path: '', message: 'the file is empty; write a kind: Schedule document' }], options);
  }
  const issues: SpecIssue[] = [];
  const out: Schedule[] = [];
  for (const [i, doc] of docs.entries()) {
    const prefix = docs.length > 1 ? `(document ${i + 1}) ` : '';
    const yamlIssues = [...doc.errors, ...doc.warnings].map((e): SpecIssue => {
      const pos = lineCounter.linePos(e.pos[0]);
      return { path: '', message: `${prefix}${e.message.split('\n')[0]}`, line: pos.line, column: pos.col, ...(options.file ? { file: options.file } : {}) };
    });
    if (doc.errors.length > 0) {
      issues.push(...yamlIssues);
      continue;
    }
    const locate: Locate = (path, key) => {
      const offset = offsetOf(doc, path, key ?? false);
      if (offset === undefined) return undefined;
      const pos = lineCounter.linePos(offset);
      return { line: pos.line, column: pos.col };
    };
    const result = validate(doc.toJS(), locate, options.file);
    if ('issues' in result) issues.push(...result.issues.map((x) => ({ ...x, message: prefix + x.message })));
    else out.push(result.schedule);
  }
  if (issues.length > 0) throw new SpecInvalidError(issues, options);
  return out;
}

/** Validates an already-parsed object (a REST body, a stored document). Same rules, no line numbers. */
export function parseScheduleObject(value: unknown, options: { file?: string } = {}): Schedule {
  const result = validate(value, () => undefined, options.file);
  if ('issues' in result) throw new SpecInvalidError(result.issues, options);
  return result.schedule;
}

/** The document form of a schedule (what parseScheduleObject reads back), for stores and REST answers. */
export function toScheduleDocument(schedule: Schedule): JsonObject {
  const { spec, metadata } = schedule;
  const doc: Record<string, unknown> = {
    apiVersion: schedule.apiVersion,
    kind: schedule.kind,
    metadata: { name: metadata.name, ...(Object.keys(metadata.labels).length ? { labels: { ...metadata.labels } } : {}), ...(metadata.description !== undefined ? { description: metadata.description } : {}) },
    spec: {
      experiment: spec.experiment,
      ...(spec.trigger.type === 'cron' ? { cron: spec.trigger.expression } : { randomInWindow: true, seed: spec.trigger.seed }),
      timeZone: spec.timeZone,
      windows: spec.windows.map((w) => ({ days: [...w.days], start: w.start, end: w.end })),
      blackoutDates: [...spec.blackoutDates],
      calendars: spec.calendars.map((c) => (c.source === 'file' ? c.path : c.ics)),
      concurrencyPolicy: spec.concurrencyPolicy,
      startingDeadline: `${spec.startingDeadlineMs / 1000}s`,
      paused: spec.paused,
      historyLimit: spec.historyLimit,
      ...(spec.notify?.length ? {
        notify: spec.notify.map((n) => ({
          name: n.name,
          [n.kind]: { url: n.url, ...(n.secret ? { secret: n.secret } : {}) },
          on: [...n.on],
          timeout: `${n.timeoutMs}ms`,
          retries: n.retries,
          ...(n.headsUpMs !== undefined ? { headsUp: `${n.headsUpMs}ms` } : {}),
        })),
      } : {}),
    },
  };
  return doc as JsonObject;
}

function validate(value: unknown, locate: Locate, file: string | undefined): { schedule: Schedule } | { issues: SpecIssue[] } {
  const issues: SpecIssue[] = [];
  const add = (path: Path, message: string, extra: { found?: unknown; allowed?: readonly string[]; key?: boolean; lineOffset?: number } = {}) => {
    const pos = locate(path, extra.key);
    issues.push({
      path: formatPath(path),
      message,
      ...(file ? { file } : {}),
      ...(pos ? { line: pos.line + (extra.lineOffset ?? 0), column: extra.lineOffset ? 1 : pos.column } : {}),
      ...(extra.found !== undefined ? { found: preview(extra.found) } : {}),
      ...(extra.allowed ? { allowed: extra.allowed } : {}),
    });
  };

  const seen = new Set<string>();
  const check = (checker ??= TypeCompiler.Compile(scheduleDocumentSchema));
  for (const e of check.Check(value) ? [] : check.Errors(value)) {
    const path = pointerToPath(e.path);
    const key = `${e.path}|${e.type}`;
    if (seen.has(key)) continue;
    seen.add(key);
    describeSchemaError(e.schema, e.message, e.value, path, add);
  }
  const schemaFailed = issues.length > 0;
  const failedPaths = new Set(issues.map((i) => i.path));
  const semantic = (path: Path, message: string, extra: { found?: unknown; lineOffset?: number } = {}) => {
    if (!failedPaths.has(formatPath(path))) add(path, message, extra);
  };
  // Checks a schema cannot express; they run even when the schema failed, on the parts that have the right type.
  const raw = (value as { spec?: unknown } | null)?.spec;
  const s = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<Record<keyof ScheduleDocument['spec'], unknown>>;
  const randomInWindow = s.randomInWindow === true;
  if (typeof s.cron === 'string' && randomInWindow) {
    semantic(['spec', 'cron'], 'use either cron or randomInWindow: true, not both');
  } else if (s.cron === undefined && !randomInWindow && typeof raw === 'object' && raw !== null) {
    semantic(['spec'], 'needs a trigger: cron: "0 10 * * mon-fri" (node-cron syntax) or randomInWindow: true');
  }
  if (s.seed !== undefined && !randomInWindow) semantic(['spec', 'seed'], 'seed only applies with randomInWindow: true');
  if (typeof s.cron === 'string') {
    for (const p of checkCron(s.cron)) semantic(['spec', 'cron'], `cron ${p.message}`, { found: s.cron });
  }
  if (typeof s.timeZone === 'string' && s.timeZone !== '' && !isValidTimeZone(s.timeZone)) {
    semantic(['spec', 'timeZone'], 'is not an IANA time zone; use a name such as Europe/Berlin, America/New_York or UTC', { found: s.timeZone });
  }
  (Array.isArray(s.windows) ? s.windows : []).forEach((w: { start?: unknown; end?: unknown }, i) => {
    if (typeof w !== 'object' || w === null) return;
    if (typeof w.start === 'string' && w.start === '24:00') semantic(['spec', 'windows', i, 'start'], 'start must be HH:MM between 00:00 and 23:59', { found: w.start });
    if (typeof w.start === 'string' && w.start === w.end) {
      semantic(['spec', 'windows', i, 'end'], 'end equals start; for a whole day use start: "00:00", end: "24:00"', { found: w.end });
    }
  });
  (Array.isArray(s.blackoutDates) ? s.blackoutDates : []).forEach((d: unknown, i) => {
    if (typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d) && !parseDate(d)) semantic(['spec', 'blackoutDates', i], 'is not a real date (YYYY-MM-DD)', { found: d });
  });
  let startingDeadlineMs: number = scheduleDefaults.startingDeadlineMs;
  if (typeof s.startingDeadline === 'string' && !failedPaths.has('spec.startingDeadline')) {
    startingDeadlineMs = parseDuration(s.startingDeadline);
    if (startingDeadlineMs < MIN_STARTING_DEADLINE_MS) {
      semantic(['spec', 'startingDeadline'], `must be at least ${MIN_STARTING_DEADLINE_MS / 1000}s: scheduler ticks make every fire a little late`, { found: s.startingDeadline });
    }
  }
  const calendars: CalendarRef[] = (Array.isArray(s.calendars) ? s.calendars : []).map((c: unknown, i): CalendarRef => {
    const text = typeof c === 'string' ? c : '';
    if (!/BEGIN:VCALENDAR/i.test(text)) return { source: 'file', path: text.trim() };
    try {
      parseCalendar(text, { name: `inline calendar #${i + 1}` });
    } catch (err) {
      for (const x of (err as SpecInvalidError).issues ?? []) {
        semantic(['spec', 'calendars', i], `inline calendar line ${x.line ?? '?'}: ${x.message}`, { lineOffset: x.line ?? 0 });
      }
    }
    return { source: 'inline', ics: text };
  });
  if (issues.length > 0 || schemaFailed) {
    return { issues: [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)) };
  }
  const doc = value as ScheduleDocument;

  const windows: ScheduleWindow[] = (doc.spec.windows ?? []).map((w) => ({
    days: w.days ? weekdayNames.filter((d) => (w.days as WeekdayName[]).includes(d)) : [...weekdayNames],
    start: w.start,
    end: w.end,
  }));
  const schedule: Schedule = {
    apiVersion: 'faultline.dev/v1',
    kind: 'Schedule',
    metadata: {
      name: doc.metadata.name,
      labels: { ...(doc.metadata.labels ?? {}) },
      ...(doc.metadata.description !== undefined ? { description: doc.metadata.description } : {}),
    },
    spec: {
      experiment: doc.spec.experiment,
      trigger: typeof s.cron === 'string' ? { type: 'cron', expression: s.cron.trim() } : { type: 'random-in-window', seed: doc.spec.seed ?? doc.metadata.name },
      timeZone: doc.spec.timeZone,
      windows,
      blackoutDates: [...(doc.spec.blackoutDates ?? [])].sort(),
      calendars,
      concurrencyPolicy: doc.spec.concurrencyPolicy ?? scheduleDefaults.concurrencyPolicy,
      startingDeadlineMs,
      paused: doc.spec.paused ?? scheduleDefaults.paused,
      historyLimit: doc.spec.historyLimit ?? scheduleDefaults.historyLimit,
      ...((doc.spec.notify as unknown[] | undefined)?.length ? { notify: normalizeNotify(doc.spec.notify as Record<string, unknown>[]) } : {}),
    },
  };
  return { schedule };
}

function describeSchemaError(
  schema: TSchema,
  message: string,
  found: unknown,
  path: Path,
  add: (path: Path, message: string, extra?: { found?: unknown; allowed?: readonly string[]; key?: boolean }) => void,
): void {
  if (message === 'Unexpected property') {
    const parent = subSchema(path.slice(0, -1));
    const allowed = parent && typeof parent.properties === 'object' ? Object.keys(parent.properties as object) : undefined;
    add(path, `unknown key "${String(path.at(-1))}"`, { key: true, ...(allowed ? { allowed } : {}) });
    return;
  }
  if (message.startsWith('Expected required property')) {
    add(path, 'is required');
    return;
  }
  const literals = (schema.anyOf as TSchema[] | undefined)?.map((x) => x.const).filter((x): x is string => typeof x === 'string');
  if (literals?.length) {
    add(path, 'is not one of the allowed values', { found, allowed: literals });
    return;
  }
  if (typeof schema.const === 'string') {
    add(path, `must be ${schema.const}`, { found });
    return;
  }
  if (schema.pattern === '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$') {
    add(path, 'must be a local time HH:MM (00:00-23:59, or 24:00 as an end)', { found });
    return;
  }
  if (typeof schema.pattern === 'string' && typeof schema.description === 'string' && message.includes('match')) {
    add(path, `must be: ${schema.description}`, { found });
    return;
  }
  const hint = typeof schema.description === 'string' ? ` (${schema.description})` : '';
  add(path, `${message.charAt(0).toLowerCase()}${message.slice(1)}${hint}`, { found });
}

function subSchema(path: Path): TSchema | undefined {
  let s: TSchema | undefined = scheduleDocumentSchema;
  for (const seg of path) {
    if (!s) return undefined;
    if (typeof seg === 'number') s = s.items as TSchema | undefined;
    else {
      const properties = s.properties as Record<string, TSchema> | undefined;
      s = properties !== undefined && Object.hasOwn(properties, seg) ? properties[seg] : undefined; // not 'toString' of {}
    }
  }
  return s;
}

function pointerToPath(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg));
}

function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out;
}

/** Offset of the node at `path`, or of its closest existing ancestor. `key` points at a map key itself. */
function offsetOf(doc: Document, path: Path, key: boolean): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    let node: unknown = doc.contents;
    let found = true;
    for (const [i, seg] of path.slice(0, n).entries()) {
      const wantKey = key && n === path.length && i === n - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
        if (!pair) {
          found = false;
          break;
        }
        node = wantKey ? pair.key : pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        node = node.items[seg];
      } else {
        found = false;
        break;
      }
    }
    const range = (node as Node | null | undefined)?.range;
    if (found && range) return range[0];
  }
  return undefined;
}

function preview(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

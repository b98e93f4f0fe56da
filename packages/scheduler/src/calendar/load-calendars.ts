import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { NotFoundError, TimeoutError, UsageError } from '@faultline/core';
import type { Schedule } from '../spec/schedule.js';
import type { Calendar } from './calendar.js';
import { parseCalendar } from './ics-parser.js';

export interface LoadCalendarsOptions {
  /** Relative calendar paths are resolved against this (the schedule file's folder). Default: cwd. */
  readonly baseDir?: string;
  /** Per-file read timeout. Default 5 s. */
  readonly timeoutMs?: number;
}

const cache = new Map<string, Calendar>();
const CACHE_MAX = 256;

/**
 * Reads and parses every calendar a schedule references, in order. Inline calendars are parsed (and
 * cached by text); files are read with a timeout. Throws NotFoundError for a missing file,
 * SpecInvalidError for a malformed one, TimeoutError when a read hangs.
 */
export async function loadCalendars(schedule: Schedule, options: LoadCalendarsOptions = {}): Promise<Calendar[]> {
  const out: Calendar[] = [];
  const where = (i: number) => `spec.calendars[${i}] of schedule "${schedule.metadata.name}"`;
  for (const [i, ref] of schedule.spec.calendars.entries()) {
    if (ref.source === 'inline') {
      out.push(inlineCalendar(ref.ics, `${schedule.metadata.name}: calendar #${i + 1} (inline)`));
      continue;
    }
    const path = isAbsolute(ref.path) ? ref.path : resolve(options.baseDir ?? process.cwd(), ref.path);
    const timeoutMs = options.timeoutMs ?? 5000;
    let text: string;
    try {
      text = await readFile(path, { encoding: 'utf8', signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        throw new NotFoundError(`calendar file ${path} (${where(i)}) does not exist`, {
          cause: err,
          hint: 'fix the path (relative paths are resolved against the schedule file folder) or inline the .ics text',
        });
      }
      if ((err as Error).name === 'AbortError' || (err as Error).name === 'TimeoutError') {
        throw new TimeoutError(`reading calendar file ${path} (${where(i)}) took longer than ${timeoutMs}ms`, { cause: err });
      }
      throw new UsageError(`cannot read calendar file ${path} (${where(i)}): ${(err as Error).message}`, { cause: err });
    }
    out.push(cachedCalendar(text, ref.path));
  }
  return out;
}

/** Parses inline iCalendar text once; the same text returns the same Calendar object (so its expansions are cached). */
export function inlineCalendar(ics: string, name: string): Calendar {
  return cachedCalendar(ics, name);
}

// Same name and text -> same Calendar object: expansions stay cached and unchanged files compare by identity.
function cachedCalendar(text: string, name: string): Calendar {
  const key = `${name}\u0000${text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const cal = parseCalendar(text, { name });
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(key, cal);
  return cal;
}

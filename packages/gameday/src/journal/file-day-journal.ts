import { promises as fs, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import { systemClock, type Clock } from '@faultline/core';
import type { DayEvent, DayEventBody, DayJournal } from './day-events.js';

interface OpenDay {
  handle: fs.FileHandle;
  seq: number;
  tail: Promise<unknown>;
}

/**
 * One JSON-lines file per game day under `<stateDir>/gamedays/<dayId>.jsonl`, written ahead like a
 * run's journal: every event but guard observations is fdatasync'ed before `append` resolves. A torn
 * last line (power cut) is cut off on reopen and ignored on read.
 */
export class FileDayJournal implements DayJournal {
  readonly dir: string;
  private readonly open = new Map<string, OpenDay>();

  constructor(readonly stateDir: string, private readonly clock: Clock = systemClock) {
    this.dir = path.join(stateDir, 'gamedays');
  }

  fileOf(dayId: string): string {
    return path.join(this.dir, `${dayId}.jsonl`);
  }

  async append(dayId: string, body: DayEventBody): Promise<DayEvent> {
    const day = await this.openDay(dayId);
    const event = { seq: ++day.seq, at: this.clock.now().toISOString(), dayId, ...body } as DayEvent;
    const write = day.tail.then(async () => {
      await day.handle.write(JSON.stringify(event) + '\n');
      if (body.type !== 'guard-observation') await day.handle.datasync();
    });
    day.tail = write.catch(() => undefined);
    await write;
    if (body.type === 'day-ended') await this.closeDay(dayId);
    return event;
  }

  private async openDay(dayId: string): Promise<OpenDay> {
    let day = this.open.get(dayId);
    if (day) return day;
    await fs.mkdir(this.dir, { recursive: true });
    const text = await fs.readFile(this.fileOf(dayId), 'utf8').catch(() => '');
    if (text !== '' && !text.endsWith('\n')) await fs.truncate(this.fileOf(dayId), Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
    const existing = await this.read(dayId).catch(() => [] as DayEvent[]);
    const handle = await fs.open(this.fileOf(dayId), fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT, 0o600);
    day = { handle, seq: existing.at(-1)?.seq ?? 0, tail: Promise.resolve() };
    this.open.set(dayId, day);
    return day;
  }

  private async closeDay(dayId: string): Promise<void> {
    const day = this.open.get(dayId);
    if (!day) return;
    this.open.delete(dayId);
    await day.tail;
    await day.handle.close();
  }

  async read(dayId: string): Promise<DayEvent[]> {
    const text = await fs.readFile(this.fileOf(dayId), 'utf8');
    const events: DayEvent[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        events.push(JSON.parse(line) as DayEvent);
      } catch {
        break; // only the last line can be torn
      }
    }
    return events;
  }

  async listDays(): Promise<string[]> {
    const names = await fs.readdir(this.dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      throw err;
    });
    return names.filter((n) => n.endsWith('.jsonl')).map((n) => n.slice(0, -'.jsonl'.length)).sort();
  }

  async close(): Promise<void> {
    await Promise.all([...this.open.keys()].map((id) => this.closeDay(id)));
  }
}

/** An in-memory DayJournal (tests, and the controller before it stores days). */
export class MemoryDayJournal implements DayJournal {
  readonly days = new Map<string, DayEvent[]>();
  constructor(private readonly clock: Clock = systemClock) {}
  async append(dayId: string, body: DayEventBody): Promise<DayEvent> {
    const list = this.days.get(dayId) ?? [];
    const event = { seq: list.length + 1, at: this.clock.now().toISOString(), dayId, ...body } as DayEvent;
    list.push(event);
    this.days.set(dayId, list);
    return event;
  }
  async read(dayId: string): Promise<DayEvent[]> {
    const list = this.days.get(dayId);
    if (!list) throw Object.assign(new Error(`no game day ${dayId}`), { code: 'ENOENT' });
    return [...list];
  }
  async listDays(): Promise<string[]> {
    return [...this.days.keys()].sort();
  }
}

import { promises as fs, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import {
  isTerminal, replayJournal, systemClock, type Clock, type JournalEvent, type JournalEventBody, type JournalSink, type JournalSource,
} from '@faultline/core';

/** Events whose loss after a crash could leave a fault behind: fsync'ed before append resolves. */
const durableTypes = new Set<JournalEventBody['type']>([
  'run-created', 'plan', 'transition', 'fault-injecting', 'fault-injected', 'fault-inject-failed', 'fault-reverting',
  'fault-reverted', 'fault-revert-failed', 'guard-breach', 'abort', 'verdict', 'forced',
]);

interface OpenRun {
  handle: fs.FileHandle;
  seq: number;
  /** Serialises appends per run so seq order equals file order. */
  tail: Promise<unknown>;
}

/**
 * Append-only JSON-lines journal, one file per run under `<stateDir>/runs/<runId>.jsonl`.
 * Safety-relevant events are fdatasync'ed before `append` resolves; probe observations are written
 * at once but synced with the next durable event (they are evidence, not undo information).
 */
export class FileJournal implements JournalSink, JournalSource {
  private readonly runsDir: string;
  private readonly open = new Map<string, OpenRun>();

  constructor(readonly stateDir: string, private readonly clock: Clock = systemClock) {
    this.runsDir = path.join(stateDir, 'runs');
  }

  fileOf(runId: string): string {
    return path.join(this.runsDir, `${runId}.jsonl`);
  }

  async append(runId: string, body: JournalEventBody): Promise<JournalEvent> {
    const run = await this.openRun(runId);
    const event = { seq: ++run.seq, at: this.clock.now().toISOString(), runId, ...body } as JournalEvent;
    const write = run.tail.then(async () => {
      await run.handle.write(JSON.stringify(event) + '\n');
      if (durableTypes.has(body.type)) await run.handle.datasync();
    });
    run.tail = write.catch(() => undefined);
    await write;
    if (body.type === 'verdict' && body.outcome !== 'revert-pending') await this.closeRun(runId);
    return event;
  }

  private async openRun(runId: string): Promise<OpenRun> {
    let run = this.open.get(runId);
    if (run) return run;
    await fs.mkdir(this.runsDir, { recursive: true });
    await this.truncateTornTail(runId);
    const existing = await this.read(runId).catch(() => [] as JournalEvent[]);
    const handle = await fs.open(this.fileOf(runId), fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT, 0o600);
    run = { handle, seq: existing.at(-1)?.seq ?? 0, tail: Promise.resolve() };
    this.open.set(runId, run);
    return run;
  }

  /** A power cut can leave a half-written last line; cut it so new events start on a clean line. */
  private async truncateTornTail(runId: string): Promise<void> {
    const text = await fs.readFile(this.fileOf(runId), 'utf8').catch(() => '');
    if (text === '' || text.endsWith('\n')) return;
    await fs.truncate(this.fileOf(runId), Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
  }

  private async closeRun(runId: string): Promise<void> {
    const run = this.open.get(runId);
    if (!run) return;
    this.open.delete(runId);
    await run.tail;
    await run.handle.close();
  }

  /** Reads a run's events. A torn last line (power cut mid-write) is ignored; earlier lines are intact. */
  async read(runId: string): Promise<JournalEvent[]> {
    const text = await fs.readFile(this.fileOf(runId), 'utf8');
    const events: JournalEvent[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        events.push(JSON.parse(line) as JournalEvent);
      } catch {
        break; // only the final line can be torn: everything before it was synced
      }
    }
    return events;
  }

  async listRuns(): Promise<string[]> {
    const names = await fs.readdir(this.runsDir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      throw err;
    });
    return names.filter((n) => n.endsWith('.jsonl')).map((n) => n.slice(0, -'.jsonl'.length)).sort();
  }

  async listUnfinishedRuns(): Promise<string[]> {
    const out: string[] = [];
    for (const runId of await this.listRuns()) {
      const { state } = replayJournal(await this.read(runId));
      if (!isTerminal(state)) out.push(runId);
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all([...this.open.keys()].map((id) => this.closeRun(id)));
  }
}

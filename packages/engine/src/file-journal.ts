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

/** An event serialised and waiting for the next batch. */
interface Queued {
  readonly line: string;
  readonly seq: number;
  readonly durable: boolean;
  resolve(): void;
  reject(err: unknown): void;
}

interface OpenRun {
  handle: fs.FileHandle;
  seq: number;
  /** Events appended while the previous batch was being written or synced; written in seq order. */
  queue: Queued[];
  /** The batch loop, while one runs; at most one per run, so file order equals seq order. */
  flushing: Promise<void> | undefined;
  /** Highest seq covered by a completed fdatasync. */
  durableSeq: number;
}

/** Counters for tests and benchmarks: how many write(2) and fdatasync(2) calls appends cost. */
export interface FileJournalStats {
  readonly appends: number;
  readonly writes: number;
  readonly syncs: number;
}

/**
 * Append-only JSON-lines journal, one file per run under `<stateDir>/runs/<runId>.jsonl`.
 *
 * Group commit: events appended while the previous batch is being written and synced form the next batch,
 * written with one write and, if any of them is safety-relevant, one fdatasync. A safety-relevant append
 * (a `fault-injecting` record, say) still resolves only after the fdatasync that covers it, so a caller that
 * awaits it before calling the backend keeps the write-ahead promise; it merely shares the sync with
 * whatever arrived alongside it. Probe observations are written at once but synced with the next durable
 * event (they are evidence, not undo information). The file format is unchanged: one event per line.
 */
export class FileJournal implements JournalSink, JournalSource {
  private readonly runsDir: string;
  private readonly open = new Map<string, Promise<OpenRun>>();
  private readonly counters = { appends: 0, writes: 0, syncs: 0 };

  constructor(readonly stateDir: string, private readonly clock: Clock = systemClock) {
    this.runsDir = path.join(stateDir, 'runs');
  }

  fileOf(runId: string): string {
    return path.join(this.runsDir, `${runId}.jsonl`);
  }

  get stats(): FileJournalStats {
    return { ...this.counters };
  }

  /** Highest seq of `runId` known to be on disk (its fdatasync completed); 0 when the run is not open here. */
  async durableSeq(runId: string): Promise<number> {
    const run = await this.open.get(runId);
    return run?.durableSeq ?? 0;
  }

  async append(runId: string, body: JournalEventBody): Promise<JournalEvent> {
    const run = await this.openRun(runId);
    const event = { seq: ++run.seq, at: this.clock.now().toISOString(), runId, ...body } as JournalEvent;
    this.counters.appends++;
    await new Promise<void>((resolve, reject) => {
      run.queue.push({ line: JSON.stringify(event) + '\n', seq: event.seq, durable: durableTypes.has(body.type), resolve, reject });
      this.flush(run);
    });
    if (body.type === 'verdict' && body.outcome !== 'revert-pending') await this.closeRun(runId);
    return event;
  }

  /** Starts the batch loop unless it runs already; it drains the queue, one write (+ one sync) per batch. */
  private flush(run: OpenRun): void {
    if (run.flushing) return;
    run.flushing = (async () => {
      while (run.queue.length > 0) {
        const batch = run.queue.splice(0);
        try {
          await writeAll(run.handle, Buffer.from(batch.map((q) => q.line).join('')));
          this.counters.writes++;
          if (batch.some((q) => q.durable)) {
            await run.handle.datasync();
            this.counters.syncs++;
            run.durableSeq = batch.at(-1)!.seq;
          }
          for (const q of batch) q.resolve();
        } catch (err) {
          // This batch's appenders learn of the failure; later events still get their own attempt.
          for (const q of batch) q.reject(err);
        }
      }
      run.flushing = undefined;
    })();
  }

  private openRun(runId: string): Promise<OpenRun> {
    let run = this.open.get(runId);
    if (!run) {
      // Stored at once, so concurrent first appends share one handle and one seq counter.
      run = this.openFile(runId);
      this.open.set(runId, run);
      run.catch(() => this.open.delete(runId));
    }
    return run;
  }

  private async openFile(runId: string): Promise<OpenRun> {
    await fs.mkdir(this.runsDir, { recursive: true });
    await this.truncateTornTail(runId);
    const existing = await this.read(runId).catch(() => [] as JournalEvent[]);
    const handle = await fs.open(this.fileOf(runId), fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT, 0o600);
    const seq = existing.at(-1)?.seq ?? 0;
    return { handle, seq, queue: [], flushing: undefined, durableSeq: seq };
  }

  /** A power cut can leave a half-written last line; cut it so new events start on a clean line. */
  private async truncateTornTail(runId: string): Promise<void> {
    const text = await fs.readFile(this.fileOf(runId), 'utf8').catch(() => '');
    if (text === '' || text.endsWith('\n')) return;
    await fs.truncate(this.fileOf(runId), Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
  }

  private async closeRun(runId: string): Promise<void> {
    const opening = this.open.get(runId);
    if (!opening) return;
    this.open.delete(runId);
    const run = await opening;
    while (run.flushing) await run.flushing;
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

/** write(2) may write less than asked; loop until the whole batch is in the file. */
async function writeAll(handle: fs.FileHandle, buf: Buffer): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await handle.write(buf, off, buf.length - off);
    off += bytesWritten;
  }
}

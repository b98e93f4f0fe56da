import { Stage, type EndMode, type Receiver, type StageContext } from './stage.js';

interface Scheduled {
  readonly at: number;
  readonly chunk: Buffer;
}

/**
 * Hands chunks to `out` in order, each not before its due time, with at most one timer armed.
 * An end waits behind the data. Used by every toxic that delays bytes.
 */
export class ScheduledQueue {
  private items: Scheduled[] = [];
  private head = 0;
  private pendingEnd: EndMode | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Due time of the last scheduled chunk; later chunks are never due before it (bytes stay in order). */
  lastAt = 0;

  constructor(
    private readonly ctx: StageContext,
    private readonly out: Receiver,
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  /** Schedules `chunk` for `at` (monotonic ms), but never before the chunks already queued. */
  schedule(chunk: Buffer, at: number): void {
    if (this.closed) return;
    const due = Math.max(at, this.lastAt);
    this.lastAt = due;
    this.items.push({ at: due, chunk });
    if (this.timer === undefined && this.size === 1) this.arm();
  }

  /** Passes the end on after the queued chunks. */
  end(mode: EndMode): void {
    if (this.closed) return;
    if (this.size === 0) {
      this.closed = true;
      this.out.end(mode);
    } else {
      this.pendingEnd = mode;
    }
  }

  /** Hands everything on now (the toxic is being removed). */
  flush(): void {
    this.clearTimer();
    while (!this.closed && this.size > 0) this.out.push(this.shift());
    this.emitPendingEnd();
  }

  /** Drops everything (the connection is gone). */
  destroy(): void {
    this.clearTimer();
    this.closed = true;
    this.items = [];
    this.head = 0;
  }

  private arm(): void {
    const first = this.items[this.head];
    if (first === undefined) return;
    const wait = Math.max(0, first.at - this.ctx.now());
    this.timer = setTimeout(this.fire, wait);
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    // Timers fire up to ~1 ms early or late; a half-millisecond slack avoids re-arming for nothing.
    const now = this.ctx.now() + 0.5;
    while (!this.closed) {
      const first = this.items[this.head];
      if (first === undefined || first.at > now) break;
      this.out.push(this.shift());
    }
    if (this.closed) return;
    if (this.size > 0) this.arm();
    else this.emitPendingEnd();
  };

  private shift(): Buffer {
    const item = this.items[this.head++] as Scheduled;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item.chunk;
  }

  private emitPendingEnd(): void {
    if (this.pendingEnd === undefined || this.closed || this.size > 0) return;
    const mode = this.pendingEnd;
    this.pendingEnd = undefined;
    this.closed = true;
    this.out.end(mode);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * A stage that delays bytes through a ScheduledQueue: subclasses decide when each chunk is due in
 * `push`; ending, releasing (the toxic was removed: hand everything on now) and destroying are the queue's.
 */
export abstract class QueuedStage<A> extends Stage<A> {
  protected readonly queue: ScheduledQueue;

  constructor(attrs: A, ctx: StageContext, out: Receiver) {
    super(attrs, ctx, out);
    this.queue = new ScheduledQueue(ctx, out);
  }

  end(mode: EndMode): void {
    this.queue.end(mode);
  }

  release(): void {
    this.queue.flush();
  }

  destroy(): void {
    this.queue.destroy();
  }
}

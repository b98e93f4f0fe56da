import type { StreamDirection } from '../model.js';

/**
 * How a stream ends: `eof` is a half-close (FIN, the other direction keeps flowing);
 * `close` asks the connection to close both ways once the bytes before it are written.
 */
export type EndMode = 'eof' | 'close';

/** Anything bytes can be pushed into: the next stage of a pipeline, or the socket at its end. */
export interface Receiver {
  push(chunk: Buffer): void;
  /** No push follows. */
  end(mode: EndMode): void;
}

/** What a stage may ask of the connection it runs on. */
export interface StageContext {
  readonly direction: StreamDirection;
  /** Uniform in [0, 1); seeded in tests. */
  random(): number;
  /** Monotonic milliseconds. */
  now(): number;
  /** Bytes a stage threw away (timeout, limit_data, reset_peer): keeps backpressure accounting right. */
  dropped(bytes: number): void;
  /** Closes both sides at once with a TCP RST. */
  reset(): void;
}

/**
 * The per-connection, per-direction instance of one toxic. A stage receives bytes in order and
 * hands them to `out` (which always points at whatever follows it in the pipeline right now).
 * It must never keep a timer after `release()` or `destroy()`.
 */
export abstract class Stage<A> implements Receiver {
  constructor(
    protected attrs: A,
    protected readonly ctx: StageContext,
    protected readonly out: Receiver,
  ) {}

  abstract push(chunk: Buffer): void;
  abstract end(mode: EndMode): void;

  /** New attributes from a PATCH; open connections see them from the next byte on. */
  update(attrs: A): void {
    this.attrs = attrs;
  }

  /** The toxic leaves this connection: hand every held byte (and a held end) on at once; clear timers. */
  abstract release(): void;

  /** The connection is gone: drop what is held, clear timers. */
  abstract destroy(): void;
}

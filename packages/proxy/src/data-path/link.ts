import type { Socket } from 'node:net';
import type { StreamDirection } from '../model.js';
import type { Toxic } from '../toxic.js';
import type { EndMode, Receiver, StageContext } from '../toxics/stage.js';
import { ToxicSlot } from './toxic-slot.js';
import { systemClock } from '@faultline/core/clock';

/** Bytes a link may hold in its toxics before it stops reading from its source. */
export const LINK_HIGH_WATER_MARK = 1024 * 1024;
const LINK_LOW_WATER_MARK = LINK_HIGH_WATER_MARK / 4;

/** What a link needs from its connection. */
export interface LinkOwner {
  /** Counts bytes for /metrics. */
  countReceived(direction: StreamDirection, bytes: number): void;
  countSent(direction: StreamDirection, bytes: number): void;
  /** Closes both sides once written (a toxic ended the stream with `close`). */
  closeSoon(): void;
  /** RST both sides. */
  reset(): void;
  random(): number;
}

/**
 * One direction of a proxied connection: source socket -> toxic pipeline -> destination socket.
 * Backpressure: the source is paused while the destination wants a drain or the toxics hold
 * more than LINK_HIGH_WATER_MARK bytes, so memory stays bounded whatever the toxics do.
 */
export class Link {
  private head: Receiver;
  private readonly slots: ToxicSlot[] = [];
  private readonly sink: SocketSink;
  private readonly ctx: StageContext;
  /** Bytes read from the source and not yet written or dropped. */
  private held = 0;
  private paused = false;

  constructor(
    readonly direction: StreamDirection,
    private readonly source: Socket,
    dest: Socket,
    private readonly owner: LinkOwner,
    toxics: readonly Toxic[],
  ) {
    this.sink = new SocketSink(dest, this);
    this.ctx = {
      direction,
      random: () => owner.random(),
      now: () => systemClock.monotonic(),
      dropped: (bytes) => this.settle(bytes),
      reset: () => owner.reset(),
    };
    this.head = this.sink;
    for (const toxic of toxics) this.addToxic(toxic);
  }

  /** Starts reading the source. */
  start(): void {
    this.source.on('data', this.onData);
    this.source.on('end', this.onEnd);
    this.source.resume();
  }

  get finished(): boolean {
    return this.sink.ended;
  }

  /** Appends a toxic at the end of the pipeline (Toxiproxy adds new toxics last). */
  addToxic(toxic: Toxic): void {
    const slot = new ToxicSlot(toxic, this.sink, this.ctx, !this.sink.ended);
    this.setNext(this.slots.length, slot);
    this.slots.push(slot);
  }

  updateToxic(toxic: Toxic, toxicityChanged: boolean): void {
    this.slots.find((slot) => slot.toxic === toxic)?.update(toxicityChanged);
  }

  removeToxic(toxic: Toxic): void {
    const index = this.slots.findIndex((slot) => slot.toxic === toxic);
    if (index < 0) return;
    const [slot] = this.slots.splice(index, 1) as [ToxicSlot];
    this.setNext(index, slot.next);
    slot.release();
  }

  /** The connection is gone: stop every timer. */
  destroy(): void {
    this.source.off('data', this.onData);
    this.source.off('end', this.onEnd);
    for (const slot of this.slots) slot.destroy();
    this.sink.ended = true;
  }

  /** `bytes` left the pipeline (written or dropped). */
  settle(bytes: number): void {
    this.held -= bytes;
    this.maybeResume();
  }

  countSent(bytes: number): void {
    this.owner.countSent(this.direction, bytes);
  }

  closeSoon(): void {
    this.owner.closeSoon();
  }

  maybeResume(): void {
    if (this.paused && this.held <= LINK_LOW_WATER_MARK && !this.sink.waitingForDrain) {
      this.paused = false;
      this.source.resume();
    }
  }

  private setNext(index: number, receiver: Receiver): void {
    if (index === 0) this.head = receiver;
    else (this.slots[index - 1] as ToxicSlot).next = receiver;
  }

  private readonly onData = (chunk: Buffer): void => {
    this.owner.countReceived(this.direction, chunk.length);
    this.held += chunk.length;
    this.head.push(chunk);
    if (!this.paused && (this.held > LINK_HIGH_WATER_MARK || this.sink.waitingForDrain)) {
      this.paused = true;
      this.source.pause();
    }
  };

  private readonly onEnd = (): void => {
    this.head.end('eof');
  };
}

/** The end of a pipeline: writes to the destination socket and reports drains. */
class SocketSink implements Receiver {
  ended = false;
  waitingForDrain = false;

  constructor(
    private readonly dest: Socket,
    private readonly link: Link,
  ) {}

  push(chunk: Buffer): void {
    if (this.ended || this.dest.destroyed || this.dest.writableEnded) {
      this.link.settle(chunk.length);
      return;
    }
    this.link.countSent(chunk.length);
    if (!this.dest.write(chunk) && !this.waitingForDrain) {
      this.waitingForDrain = true;
      this.dest.once('drain', this.onDrain);
    }
    this.link.settle(chunk.length);
  }

  end(mode: EndMode): void {
    if (this.ended) return;
    this.ended = true;
    if (!this.dest.destroyed && !this.dest.writableEnded) this.dest.end();
    if (mode === 'close') this.link.closeSoon();
  }

  private readonly onDrain = (): void => {
    this.waitingForDrain = false;
    this.link.maybeResume();
  };
}

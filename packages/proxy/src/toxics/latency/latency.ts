import { intAttribute } from '../attributes.js';
import { defineToxic } from '../definition.js';
import { QueuedStage } from '../scheduled-queue.js';

export interface LatencyAttributes {
  [key: string]: number;
  /** Milliseconds added to every chunk. */
  latency: number;
  /** Milliseconds of uniform +/- variation. */
  jitter: number;
}

/**
 * Delays every chunk by latency +/- jitter from when it arrived (Toxiproxy semantics: chunks in
 * flight overlap, so a stream is not slowed to one chunk per latency). Bytes stay in order.
 */
export class LatencyStage extends QueuedStage<LatencyAttributes> {
  push(chunk: Buffer): void {
    this.queue.schedule(chunk, this.ctx.now() + this.delay());
  }


  private delay(): number {
    const { latency, jitter } = this.attrs;
    if (jitter <= 0) return latency;
    return Math.max(0, latency + (this.ctx.random() * 2 - 1) * jitter);
  }
}

export const latencyToxic = defineToxic<LatencyAttributes>({
  type: 'latency',
  kind: 'stream',
  defaults: { latency: 0, jitter: 0 },
  parse: (raw, base) => ({
    latency: intAttribute(raw, 'latency', base.latency, { unit: 'milliseconds' }),
    jitter: intAttribute(raw, 'jitter', base.jitter, { unit: 'milliseconds' }),
  }),
  createStage: (attrs, ctx, out) => new LatencyStage(attrs, ctx, out),
});

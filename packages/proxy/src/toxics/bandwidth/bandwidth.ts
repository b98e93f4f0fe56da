import { intAttribute } from '../attributes.js';
import { defineToxic } from '../definition.js';
import { QueuedStage } from '../scheduled-queue.js';

export interface BandwidthAttributes {
  [key: string]: number;
  /** KB/s (1 KB = 1000 bytes, as Toxiproxy); 0 = unlimited. */
  rate: number;
}

/**
 * Limits throughput to `rate` KB/s. Large chunks are cut into 100 ms worth of bytes so a slow
 * link trickles instead of stalling, as Toxiproxy does. The queue it holds is bounded by the
 * connection's backpressure (the source is paused while too much is queued).
 */
export class BandwidthStage extends QueuedStage<BandwidthAttributes> {
  push(chunk: Buffer): void {
    const rate = this.attrs.rate; // bytes per millisecond
    if (rate <= 0) {
      this.queue.schedule(chunk, this.ctx.now());
      return;
    }
    const sliceSize = Math.max(1, rate * 100);
    let free = Math.max(this.ctx.now(), this.queue.lastAt);
    for (let offset = 0; offset < chunk.length; offset += sliceSize) {
      const slice = chunk.subarray(offset, offset + sliceSize);
      free += slice.length / rate;
      this.queue.schedule(slice, free);
    }
  }
}

export const bandwidthToxic = defineToxic<BandwidthAttributes>({
  type: 'bandwidth',
  kind: 'stream',
  defaults: { rate: 0 },
  parse: (raw, base) => ({ rate: intAttribute(raw, 'rate', base.rate, { unit: 'KB/s' }) }),
  createStage: (attrs, ctx, out) => new BandwidthStage(attrs, ctx, out),
});

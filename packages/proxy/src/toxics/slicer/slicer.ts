import { badBody } from '../../errors.js';
import { intAttribute } from '../attributes.js';
import { defineToxic } from '../definition.js';
import { QueuedStage } from '../scheduled-queue.js';

export interface SlicerAttributes {
  [key: string]: number;
  /** Average slice size in bytes. */
  average_size: number;
  /** +/- bytes of variation; must be smaller than average_size. */
  size_variation: number;
  /** Microseconds between slices. */
  delay: number;
}

/**
 * Offsets that cut [start, end) into slices of about average_size +/- size_variation, splitting
 * near the middle recursively so that no end of the chunk tends to get the small slice.
 */
export function sliceOffsets(length: number, attrs: SlicerAttributes, random: () => number): number[] {
  const cuts: number[] = [];
  const split = (start: number, end: number): void => {
    if (end - start - attrs.average_size <= attrs.size_variation) {
      cuts.push(end);
      return;
    }
    const variation = attrs.size_variation > 0 ? Math.floor(random() * attrs.size_variation * 2) - attrs.size_variation : 0;
    const mid = Math.min(end - 1, Math.max(start + 1, start + Math.floor((end - start) / 2) + variation));
    split(start, mid);
    split(mid, end);
  };
  if (length > 0) split(0, length);
  return cuts;
}

/** Cuts every chunk into small slices sent `delay` µs apart, like a network that fragments writes. */
export class SlicerStage extends QueuedStage<SlicerAttributes> {
  private nextFree = 0;

  push(chunk: Buffer): void {
    const gap = this.attrs.delay / 1000;
    let at = Math.max(this.ctx.now(), this.nextFree);
    let start = 0;
    for (const cut of sliceOffsets(chunk.length, this.attrs, () => this.ctx.random())) {
      this.queue.schedule(chunk.subarray(start, cut), at);
      start = cut;
      at += gap;
    }
    this.nextFree = at;
  }
}

export const slicerToxic = defineToxic<SlicerAttributes>({
  type: 'slicer',
  kind: 'stream',
  defaults: { average_size: 0, size_variation: 0, delay: 0 },
  parse: (raw, base) => {
    const attrs = {
      average_size: intAttribute(raw, 'average_size', base.average_size, { unit: 'bytes' }),
      size_variation: intAttribute(raw, 'size_variation', base.size_variation, { unit: 'bytes' }),
      delay: intAttribute(raw, 'delay', base.delay, { unit: 'microseconds' }),
    };
    if (attrs.average_size < 1) throw badBody('attributes.average_size must be at least 1 byte for a slicer toxic', 'send e.g. {"attributes": {"average_size": 64, "size_variation": 32, "delay": 10}}');
    if (attrs.size_variation >= attrs.average_size) {
      throw badBody(`attributes.size_variation (${attrs.size_variation}) must be smaller than average_size (${attrs.average_size})`);
    }
    return attrs;
  },
  createStage: (attrs, ctx, out) => new SlicerStage(attrs, ctx, out),
});

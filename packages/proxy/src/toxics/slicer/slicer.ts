import { badBody } from '../../errors.js';
import { intAttribute } from '../attributes.js';
import { defineToxic } from '../definition.js';
import { QueuedStage } from '../scheduled-queue.js';

export interface SlicerAttributes {
  [key: string]: number;
  /** Average slice size in bytes. */
  average_size: number;
  /** +/- bytes of variation; may reach or exceed average_size (Toxiproxy 2.x accepts it), slices stay >= 1 byte. */
  size_variation: number;
  /** Microseconds between slices. */
  delay: number;
}

/**
 * Offsets that cut [0, length) into slices of about average_size +/- size_variation, splitting
 * near the middle so that no end of the chunk tends to get the small slice. Like Toxiproxy 2.x it
 * accepts size_variation >= average_size; every cut is clamped inside its range, so each slice has
 * at least 1 byte and every step makes progress (an explicit stack: no recursion depth to blow).
 */
export function sliceOffsets(length: number, attrs: SlicerAttributes, random: () => number): number[] {
  const cuts: number[] = [];
  const pending: Array<[number, number]> = length > 0 ? [[0, length]] : [];
  for (let range = pending.pop(); range !== undefined; range = pending.pop()) {
    const [start, end] = range;
    if (end - start <= 1 || end - start - attrs.average_size <= attrs.size_variation) {
      cuts.push(end);
      continue;
    }
    const variation = attrs.size_variation > 0 ? Math.floor(random() * attrs.size_variation * 2) - attrs.size_variation : 0;
    const mid = Math.min(end - 1, Math.max(start + 1, start + Math.floor((end - start) / 2) + variation));
    pending.push([mid, end], [start, mid]); // left half first
  }
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
    return attrs;
  },
  createStage: (attrs, ctx, out) => new SlicerStage(attrs, ctx, out),
});

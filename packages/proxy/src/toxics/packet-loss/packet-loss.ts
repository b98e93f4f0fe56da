import { intAttribute, numberAttribute } from '../attributes.js';
import { defineToxic } from '../definition.js';
import { QueuedStage } from '../scheduled-queue.js';

export interface PacketLossAttributes {
  [key: string]: number;
  /** Chance that a chunk is "lost" on each (re)transmission, 0 <= p < 1. */
  probability: number;
  /** Initial retransmission timeout in ms; doubles on every further loss, like TCP. */
  rto: number;
}

/** TCP caps its retransmission timeout (Linux: 120 s); so do we. */
export const MAX_RTO_MS = 120_000;

/**
 * The extra delay one chunk suffers: every draw below `probability` is a loss that costs the
 * current RTO, which then doubles (exponential backoff), until a draw succeeds.
 */
export function retransmissionDelay(attrs: PacketLossAttributes, random: () => number): number {
  let delay = 0;
  let rto = attrs.rto;
  // p < 1 guarantees an end; the cap on attempts only bounds pathological RNGs.
  for (let attempt = 0; attempt < 64 && random() < attrs.probability; attempt++) {
    delay += rto;
    rto = Math.min(rto * 2, MAX_RTO_MS);
  }
  return delay;
}

/**
 * Models what packet loss does to a TCP stream: nothing is dropped or corrupted, but a "lost"
 * chunk arrives one or more retransmission timeouts late, and holds up everything behind it
 * (head-of-line blocking).
 */
export class PacketLossStage extends QueuedStage<PacketLossAttributes> {
  push(chunk: Buffer): void {
    this.queue.schedule(chunk, this.ctx.now() + retransmissionDelay(this.attrs, () => this.ctx.random()));
  }
}

export const packetLossToxic = defineToxic<PacketLossAttributes>({
  type: 'packet_loss',
  kind: 'stream',
  defaults: { probability: 0, rto: 200 },
  parse: (raw, base) => ({
    probability: numberAttribute(raw, 'probability', base.probability, { min: 0, max: 1, maxExclusive: true, unit: 'probability; use a timeout toxic for a black hole' }),
    rto: intAttribute(raw, 'rto', base.rto, { min: 1, max: MAX_RTO_MS, unit: 'milliseconds' }),
  }),
  createStage: (attrs, ctx, out) => new PacketLossStage(attrs, ctx, out),
});

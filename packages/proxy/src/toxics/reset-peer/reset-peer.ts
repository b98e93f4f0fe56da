import { intAttribute } from '../attributes.js';
import { defineToxic } from '../definition.js';
import { Stage } from '../stage.js';

export interface ResetPeerAttributes {
  [key: string]: number;
  /** Milliseconds between the first byte (or close) seen and the reset; 0 = at once. */
  timeout: number;
}

/**
 * Toxiproxy's reset_peer: the first data (or end) to arrive arms a timer; when it fires, both
 * sides are closed with a TCP RST. Bytes that arrive meanwhile are dropped.
 */
export class ResetPeerStage extends Stage<ResetPeerAttributes> {
  private timer: NodeJS.Timeout | undefined;
  private armed = false;

  push(chunk: Buffer): void {
    this.ctx.dropped(chunk.length);
    this.arm();
  }

  end(): void {
    this.arm();
  }

  release(): void {
    this.destroy();
  }

  destroy(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.armed) return;
    this.armed = true;
    if (this.attrs.timeout <= 0) {
      this.ctx.reset();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.ctx.reset();
    }, this.attrs.timeout);
  }
}

export const resetPeerToxic = defineToxic<ResetPeerAttributes>({
  type: 'reset_peer',
  kind: 'stream',
  defaults: { timeout: 0 },
  parse: (raw, base) => ({ timeout: intAttribute(raw, 'timeout', base.timeout, { unit: 'milliseconds' }) }),
  createStage: (attrs, ctx, out) => new ResetPeerStage(attrs, ctx, out),
});

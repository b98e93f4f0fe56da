import { intAttribute } from '../attributes.js';
import { defineToxic } from '../definition.js';
import { Stage, type EndMode } from '../stage.js';

export interface LimitDataAttributes {
  [key: string]: number;
  /** Bytes let through before the connection is closed. */
  bytes: number;
}

/** Lets `bytes` bytes through on this connection, then closes it (the count survives PATCHes). */
export class LimitDataStage extends Stage<LimitDataAttributes> {
  private transmitted = 0;
  private done = false;

  push(chunk: Buffer): void {
    if (this.done) {
      this.ctx.dropped(chunk.length);
      return;
    }
    const remaining = Math.max(0, this.attrs.bytes - this.transmitted);
    const passed = remaining < chunk.length ? chunk.subarray(0, remaining) : chunk;
    if (passed.length < chunk.length) this.ctx.dropped(chunk.length - passed.length);
    if (passed.length > 0) {
      this.transmitted += passed.length;
      this.out.push(passed);
    }
    if (this.transmitted >= this.attrs.bytes) {
      this.done = true;
      this.out.end('close');
    }
  }

  end(mode: EndMode): void {
    if (this.done) return;
    this.done = true;
    this.out.end(mode);
  }

  release(): void {}

  destroy(): void {
    this.done = true;
  }
}

export const limitDataToxic = defineToxic<LimitDataAttributes>({
  type: 'limit_data',
  kind: 'stream',
  defaults: { bytes: 0 },
  parse: (raw, base) => ({ bytes: intAttribute(raw, 'bytes', base.bytes, { unit: 'bytes', max: Number.MAX_SAFE_INTEGER }) }),
  createStage: (attrs, ctx, out) => new LimitDataStage(attrs, ctx, out),
});

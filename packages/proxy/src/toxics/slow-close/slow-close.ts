import { intAttribute } from '../attributes.js';
import { defineToxic } from '../definition.js';
import { Stage, type EndMode } from '../stage.js';

export interface SlowCloseAttributes {
  [key: string]: number;
  /** Milliseconds the close is held back. */
  delay: number;
}

/** Passes bytes through untouched but delays the close (FIN) by `delay` ms. */
export class SlowCloseStage extends Stage<SlowCloseAttributes> {
  private timer: NodeJS.Timeout | undefined;
  private heldEnd: EndMode | undefined;

  push(chunk: Buffer): void {
    this.out.push(chunk);
  }

  end(mode: EndMode): void {
    this.heldEnd = mode;
    this.timer = setTimeout(() => this.passEnd(), this.attrs.delay);
  }

  release(): void {
    this.passEnd();
  }

  destroy(): void {
    this.clear();
    this.heldEnd = undefined;
  }

  private passEnd(): void {
    this.clear();
    const mode = this.heldEnd;
    this.heldEnd = undefined;
    if (mode !== undefined) this.out.end(mode);
  }

  private clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

export const slowCloseToxic = defineToxic<SlowCloseAttributes>({
  type: 'slow_close',
  kind: 'stream',
  defaults: { delay: 0 },
  parse: (raw, base) => ({ delay: intAttribute(raw, 'delay', base.delay, { unit: 'milliseconds' }) }),
  createStage: (attrs, ctx, out) => new SlowCloseStage(attrs, ctx, out),
});

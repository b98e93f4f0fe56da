import { intAttribute } from '../attributes.js';
import { defineToxic } from '../definition.js';
import { Stage, type EndMode, type Receiver, type StageContext } from '../stage.js';

export interface TimeoutAttributes {
  [key: string]: number;
  /** Milliseconds until the connection is closed; 0 = hold it open forever. */
  timeout: number;
}

/**
 * Swallows every byte (the peer sees silence). With `timeout` > 0 the connection is closed that
 * many ms after the toxic took effect; with 0 it hangs until the toxic is removed, which then
 * closes it (the stream lost bytes, so it cannot go on) — both as Toxiproxy does.
 */
export class TimeoutStage extends Stage<TimeoutAttributes> {
  private timer: NodeJS.Timeout | undefined;
  private done = false;

  constructor(attrs: TimeoutAttributes, ctx: StageContext, out: Receiver) {
    super(attrs, ctx, out);
    this.arm();
  }

  push(chunk: Buffer): void {
    this.ctx.dropped(chunk.length);
  }

  end(mode: EndMode): void {
    if (this.done) return;
    this.finish(mode);
  }

  override update(attrs: TimeoutAttributes): void {
    super.update(attrs);
    this.arm();
  }

  release(): void {
    if (!this.done) this.finish('close');
  }

  destroy(): void {
    this.done = true;
    this.clear();
  }

  private arm(): void {
    this.clear();
    if (this.done || this.attrs.timeout <= 0) return;
    this.timer = setTimeout(() => this.finish('close'), this.attrs.timeout);
  }

  private finish(mode: EndMode): void {
    this.done = true;
    this.clear();
    this.out.end(mode);
  }

  private clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

export const timeoutToxic = defineToxic<TimeoutAttributes>({
  type: 'timeout',
  kind: 'stream',
  defaults: { timeout: 0 },
  parse: (raw, base) => ({ timeout: intAttribute(raw, 'timeout', base.timeout, { unit: 'milliseconds' }) }),
  createStage: (attrs, ctx, out) => new TimeoutStage(attrs, ctx, out),
});

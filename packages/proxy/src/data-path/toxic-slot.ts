import type { Toxic } from '../toxic.js';
import type { EndMode, Receiver, Stage, StageContext } from '../toxics/stage.js';
import type { ToxicAttributes } from '../toxics/definition.js';

/**
 * One toxic's place in one connection's pipeline. Whether the toxic applies to this connection
 * is drawn once against `toxicity` (again only if a PATCH changes the toxicity); when it does
 * not, bytes pass straight through.
 */
export class ToxicSlot implements Receiver {
  private stage: Stage<ToxicAttributes> | undefined;
  private ended = false;
  private readonly forward: Receiver = {
    push: (chunk) => this.next.push(chunk),
    end: (mode) => this.next.end(mode),
  };

  constructor(
    readonly toxic: Toxic,
    public next: Receiver,
    private readonly ctx: StageContext,
    /** False when the stream already ended at this point: a new stage would never see a byte. */
    live: boolean,
  ) {
    this.ended = !live;
    this.roll();
  }

  get active(): boolean {
    return this.stage !== undefined;
  }

  push(chunk: Buffer): void {
    if (this.stage) this.stage.push(chunk);
    else this.next.push(chunk);
  }

  end(mode: EndMode): void {
    this.ended = true;
    if (this.stage) this.stage.end(mode);
    else this.next.end(mode);
  }

  /** The toxic's attributes or toxicity changed. */
  update(toxicityChanged: boolean): void {
    this.stage?.update(this.toxic.attributes);
    if (toxicityChanged) this.roll();
  }

  /** The toxic is removed from this connection; held bytes move on. */
  release(): void {
    const stage = this.stage;
    this.stage = undefined;
    stage?.release();
  }

  destroy(): void {
    const stage = this.stage;
    this.stage = undefined;
    stage?.destroy();
  }

  private roll(): void {
    const applies = !this.ended && this.ctx.random() < this.toxic.toxicity;
    if (applies && !this.stage) {
      this.stage = this.toxic.definition.createStage?.(this.toxic.attributes, this.ctx, this.forward);
    } else if (!applies && this.stage) {
      this.release();
    }
  }
}

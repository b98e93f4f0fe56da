import type { RawAttributes } from './attributes.js';
import type { Receiver, Stage, StageContext } from './stage.js';

/** Attribute values as the API shows them. */
export type ToxicAttributes = Record<string, number | string>;

/**
 * One toxic type. `stream` toxics run as a pipeline stage on every connection's bytes;
 * `connection` toxics change how new connections are accepted (cert_expiry).
 */
export interface ToxicDefinition<A extends ToxicAttributes = ToxicAttributes> {
  readonly type: string;
  readonly kind: 'stream' | 'connection';
  /** Validates `raw` on top of `base` (the defaults on create, the current values on update). Throws ProxyRequestError. */
  parse(raw: RawAttributes, base: A): A;
  readonly defaults: A;
  createStage?(attrs: A, ctx: StageContext, out: Receiver): Stage<A>;
  /** Work to finish before the toxic is visible (e.g. generating certificates); may throw. */
  prepare?(attrs: A): Promise<void>;
}

/** Erases the attribute type so definitions fit in one registry. */
export function defineToxic<A extends ToxicAttributes>(def: ToxicDefinition<A>): ToxicDefinition {
  return def as unknown as ToxicDefinition;
}

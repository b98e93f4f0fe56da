import type { ToxicDefinition, ToxicAttributes } from './toxics/definition.js';
import type { StreamDirection, ToxicJson } from './model.js';

/** A toxic attached to a proxy. Mutable fields change only through ProxyCollection. */
export class Toxic {
  toxicity: number;
  attributes: ToxicAttributes;
  /** Dead-man's switch (extension): lifetime in ms and the epoch ms it ends at. */
  ttlMs: number | undefined;
  expiresAt: number | undefined;

  constructor(
    readonly name: string,
    readonly definition: ToxicDefinition,
    readonly stream: StreamDirection,
    init: { toxicity: number; attributes: ToxicAttributes; ttlMs?: number | undefined; expiresAt?: number | undefined },
  ) {
    this.toxicity = init.toxicity;
    this.attributes = init.attributes;
    this.ttlMs = init.ttlMs;
    this.expiresAt = init.expiresAt;
  }

  get type(): string {
    return this.definition.type;
  }

  toJSON(): ToxicJson {
    const json: ToxicJson = {
      attributes: { ...this.attributes },
      name: this.name,
      type: this.type,
      stream: this.stream,
      toxicity: this.toxicity,
    };
    if (this.ttlMs !== undefined && this.expiresAt !== undefined) {
      json.ttl = this.ttlMs;
      json.expires_at = new Date(this.expiresAt).toISOString();
    }
    return json;
  }
}

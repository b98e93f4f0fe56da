import { Type, type TObject, type TProperties, type Static } from '@sinclair/typebox';
import { artefactName, ProviderError, type FaultProvider, type Json } from '@faultline/core';
import type { ToxicJson } from './api-client.js';
import { apiFor, refOf, type ToxiproxyOptions } from './target.js';

/** Parameters every toxic fault accepts besides its own attributes. */
export const CommonToxicParams = {
  stream: Type.Optional(Type.Union([Type.Literal('downstream'), Type.Literal('upstream'), Type.Literal('both')], {
    description: 'downstream = server->client (default), upstream = client->server, both = two toxics',
  })),
  toxicity: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'Share of connections affected, 0..1 (default 1)' })),
};

export interface ToxicUndo {
  [k: string]: Json;
  api: string;
  proxy: string;
  toxics: string[];
}

const streamsOf = (s: string | undefined): Array<'downstream' | 'upstream'> =>
  s === 'both' ? ['downstream', 'upstream'] : [(s as 'downstream' | 'upstream' | undefined) ?? 'downstream'];

/** The toxic names a fault may have created; derivable from runId + faultName alone (crash safety). */
export function toxicNames(runId: string, faultName: string): string[] {
  const base = artefactName(runId, faultName);
  return [base, `${base}-upstream`, `${base}-downstream`];
}

function nameFor(base: string, stream: string, both: boolean): string {
  return both ? `${base}-${stream}` : base;
}

function same(a: ToxicJson, b: ToxicJson): boolean {
  return a.type === b.type && a.stream === b.stream && Math.abs((a.toxicity ?? 1) - b.toxicity) < 1e-9
    && JSON.stringify(Object.entries(b.attributes).sort()) === JSON.stringify(Object.entries(a.attributes).filter(([k]) => k in b.attributes).sort());
}

/**
 * Builds a fault that adds one Toxiproxy toxic per stream, named `faultline-<runId>-<fault>`.
 * Inject is idempotent (an identical toxic is left alone, a different one is updated); revert deletes
 * every name the fault could have used, treating 404 as done, so it needs no undo data.
 */
export function toxicFault<P extends TProperties>(def: {
  type: string;
  toxicType: string;
  summary: string;
  params: P;
  attributes(params: Static<TObject<P>>): Record<string, Json>;
  check?(params: Static<TObject<P>>): Array<{ path: string; message: string }>;
}, opts: ToxiproxyOptions): FaultProvider<Static<TObject<P>> & { stream?: string; toxicity?: number }, ToxicUndo> {
  const paramsSchema = Type.Object({ ...def.params, ...CommonToxicParams }, { additionalProperties: false });
  return {
    type: def.type,
    targetKind: 'toxiproxy',
    paramsSchema,
    summary: def.summary,
    ...(def.check ? { check: def.check } : {}),
    async inject(target, params, ctx) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const { api, proxy } = refOf(target);
      const client = apiFor(api, { ...opts, timeoutMs: Math.min(opts.timeoutMs ?? ctx.timeoutMs, ctx.timeoutMs) });
      const base = artefactName(ctx.runId, ctx.faultName);
      const streams = streamsOf(params.stream);
      const names: string[] = [];
      for (const stream of streams) {
        const toxic: ToxicJson = {
          name: nameFor(base, stream, streams.length > 1),
          type: def.toxicType,
          stream,
          toxicity: params.toxicity ?? 1,
          attributes: def.attributes(params),
          ...(ctx.leaseMs !== undefined ? { ttl: Math.ceil(ctx.leaseMs) } : {}),
        };
        if ((await client.createToxic(proxy, toxic, ctx.signal)) === 'exists') {
          const current = await client.getToxic(proxy, toxic.name, ctx.signal);
          if (!current) throw new ProviderError(`toxic "${toxic.name}" on "${proxy}" vanished while being re-injected`, { retryable: true });
          if (!same(current, toxic)) await client.updateToxic(proxy, toxic, ctx.signal);
        }
        names.push(toxic.name);
      }
      return { api, proxy, toxics: names };
    },
    async revert(target, undo, ctx) {
      const { api, proxy } = refOf(target);
      const client = apiFor(api, { ...opts, timeoutMs: Math.min(opts.timeoutMs ?? ctx.timeoutMs, ctx.timeoutMs) });
      const names = undo?.toxics?.length ? undo.toxics : toxicNames(ctx.runId, ctx.faultName);
      for (const name of names) await client.deleteToxic(proxy, name, ctx.signal);
    },
  };
}

import { Type, type Static } from '@sinclair/typebox';
import { artefactName, ProviderError, type FaultProvider, type Json } from '@faultline/core';
import { apiFor, refOf, type ToxiproxyOptions } from '../target.js';

const DownParams = Type.Object({}, { additionalProperties: false });

export interface DownUndo {
  [k: string]: Json;
  wasEnabled: boolean;
}

/**
 * `toxiproxy.down`: disables the proxy (connections refused, open ones dropped).
 * Toxiproxy proxies carry no labels, so before disabling we add a no-op marker toxic (latency 0,
 * toxicity 0) named after the run and fault. The marker tells any later process — a re-inject, a
 * revert after a crash, an orphan sweep — that *we* disabled the proxy. A proxy that someone else
 * had already disabled is left alone and not re-enabled on revert.
 */
export function downFault(opts: ToxiproxyOptions): FaultProvider<Static<typeof DownParams>, DownUndo> {
  return {
    type: 'toxiproxy.down',
    targetKind: 'toxiproxy',
    paramsSchema: DownParams,
    summary: 'takes a proxy down (refuses connections)',
    async inject(target, _params, ctx) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const { api, proxy } = refOf(target);
      const client = apiFor(api, { ...opts, timeoutMs: ctx.timeoutMs });
      const marker = artefactName(ctx.runId, ctx.faultName);
      const current = await client.getProxy(proxy, ctx.signal);
      if (!current) throw new ProviderError(`proxy "${proxy}" does not exist at ${api}`);
      const ours = current.toxics?.some((t) => t.name === marker) ?? false;
      if (!current.enabled && !ours) return { wasEnabled: false };
      if (!ours) {
        await client.createToxic(proxy, { name: marker, type: 'latency', stream: 'downstream', toxicity: 0, attributes: { latency: 0, jitter: 0 } }, ctx.signal);
      }
      if (current.enabled) await client.setEnabled(proxy, false, ctx.signal);
      return { wasEnabled: true };
    },
    async revert(target, undo, ctx) {
      if (undo && !undo.wasEnabled) return;
      const { api, proxy } = refOf(target);
      const client = apiFor(api, { ...opts, timeoutMs: ctx.timeoutMs });
      const marker = artefactName(ctx.runId, ctx.faultName);
      const current = await client.getProxy(proxy, ctx.signal);
      if (!current) return; // the proxy is gone: nothing left to restore
      const ours = undo?.wasEnabled === true || (current.toxics?.some((t) => t.name === marker) ?? false);
      if (!ours) return;
      if (!current.enabled) await client.setEnabled(proxy, true, ctx.signal);
      await client.deleteToxic(proxy, marker, ctx.signal);
    },
  };
}

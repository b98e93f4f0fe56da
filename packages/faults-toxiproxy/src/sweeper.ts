import { parseArtefactName, type Orphan, type OrphanSweeper } from '@faultline/core';
import { apiFor, refOf, type ToxiproxyOptions } from './target.js';

/**
 * Finds toxics named `faultline-<runId>-<fault>` on every Toxiproxy API the given targets point at.
 * Removing an orphan deletes the toxic (404 = done). A `down` marker also re-enables its proxy.
 */
export function toxiproxySweeper(opts: ToxiproxyOptions): OrphanSweeper {
  return {
    kind: 'toxiproxy',
    async find(targets, ctx) {
      const apis = [...new Set(targets.map((t) => refOf(t).api))];
      const out: Orphan[] = [];
      for (const api of apis) {
        const client = apiFor(api, { ...opts, timeoutMs: ctx.timeoutMs });
        for (const proxy of await client.listProxies(ctx.signal)) {
          for (const toxic of proxy.toxics ?? []) {
            const parsed = parseArtefactName(toxic.name);
            if (!parsed) continue;
            const isDownMarker = toxic.type === 'latency' && toxic.toxicity === 0 && !proxy.enabled;
            out.push({
              kind: 'toxiproxy',
              runId: parsed.runId,
              faultName: parsed.faultName,
              description: `toxic "${toxic.name}" (${toxic.type}) on proxy "${proxy.name}" at ${api}${isDownMarker ? ' (proxy disabled by it)' : ''}`,
              async remove(rctx) {
                if (isDownMarker) await client.setEnabled(proxy.name, true, rctx.signal);
                await client.deleteToxic(proxy.name, toxic.name, rctx.signal);
              },
            });
          }
        }
      }
      return out;
    },
  };
}

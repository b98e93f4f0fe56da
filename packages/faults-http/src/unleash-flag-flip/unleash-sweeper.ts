import { parseArtefactName, type CallContext, type FaultContext, type FaultProvider, type Orphan, type OrphanSweeper, type Target } from '@faultline/core';
import { UnleashApi, type UnleashLocation } from './unleash-api.js';
import { readMarker, type UnleashFlagFlipParams, type UnleashFlipState } from './unleash-flag-flip.js';
import { unleashRefOf, type UnleashRef } from './unleash-target.js';

/**
 * Finds the marker flags (`faultline-<runId>-<fault>`) that unleash.flag-flip leaves in the projects of the
 * given targets. Each Orphan names its run; the engine's sweep decides which runs nobody alive owns (finished
 * runs this store knows). `remove` is the fault's own revert: it restores what the marker recorded, leaves a
 * change someone else made (and says so), and deletes the marker last. The token is the targets' reference,
 * resolved through the sweep's ctx.secrets at each call.
 */
export function unleashSweeper(fault: FaultProvider<UnleashFlagFlipParams, UnleashFlipState>, opts: { allowHosts?: readonly string[] } = {}): OrphanSweeper {
  return {
    kind: 'unleash',
    async find(targets: readonly Target[], ctx: CallContext): Promise<Orphan[]> {
      const locations = new Map<string, UnleashLocation>();
      for (const t of targets) {
        if (t.kind !== 'unleash') continue;
        const r = unleashRefOf(t);
        const key = `${r.url}|${r.project}`;
        if (!locations.has(key)) locations.set(key, { url: r.url, token: r.token, project: r.project });
      }
      const orphans: Orphan[] = [];
      for (const loc of locations.values()) {
        const api = new UnleashApi(loc, ctx, opts.allowHosts);
        for (const name of (await api.featureNames()).sort()) {
          const parsed = parseArtefactName(name);
          if (!parsed) continue;
          const state = await readMarker(api, name);
          if (!state) continue; // deleted since the listing (its revert just finished)
          const ref: UnleashRef = { ...loc, feature: state.feature, environment: state.environment };
          const target: Target = {
            id: `unleash:${loc.url}/${loc.project}/${state.feature}/${state.environment}`, kind: 'unleash', name: `${state.feature}@${state.environment}`,
            labels: { project: loc.project, environment: state.environment }, ref: ref as never,
          };
          orphans.push({
            kind: 'unleash', runId: parsed.runId, faultName: parsed.faultName,
            description: `Unleash marker flag "${name}" in ${loc.url} project ${loc.project}: flag "${state.feature}" in ${state.environment} flipped by run ${parsed.runId} (fault ${parsed.faultName})`,
            remove: (c: CallContext) => {
              const secrets = c.secrets ?? ctx.secrets;
              return fault.revert(target, undefined, { ...c, ...(secrets ? { secrets } : {}), runId: parsed.runId, faultName: parsed.faultName } satisfies FaultContext);
            },
          });
        }
      }
      return orphans;
    },
  };
}

import {
  parseArtefactName, type CallContext, type FaultProvider, type Orphan, type OrphanSweeper, type Target,
} from '@faultline/core';
import type { DockerApi } from '../shared/api.js';
import { inspectContainer } from '../shared/containers.js';
import { commentOf } from '../shared/netns-iptables.js';
import type { NetnsIptables } from '../shared/netns-iptables.js';
import { TARGET_KIND, containerName } from '../shared/target-ref.js';
import type { UndoRecords } from '../shared/undo-record.js';
import { removeTaggedRules } from '../packet-loss/packet-loss.js';

/**
 * Finds what docker faults may have left behind on the engine, tagged with run ids:
 * - packet-loss DROP rules (comment `faultline-<runId>-<fault>`) in every running container's network
 *   namespace (only when the engine is local; a remote engine's namespaces are out of reach);
 * - undo records (volumes) of pause / stop / network-disconnect whose revert never completed.
 *   Removing one of these runs that fault's revert from the record, then deletes the record.
 * A container that is paused or stopped with NO undo record is not reported: nothing says we did it,
 * and guessing would unpause or start containers people stopped on purpose.
 * The sweep does not know which runs are still active; the caller filters orphans by runId.
 */
export function createDockerSweeper(deps: {
  api: DockerApi;
  records: UndoRecords;
  iptables: NetnsIptables;
  faults: readonly FaultProvider<any, any>[];
}): OrphanSweeper {
  const faultByType = new Map(deps.faults.map((f) => [f.type, f]));
  return {
    kind: TARGET_KIND,
    async find(_targets: readonly Target[], ctx: CallContext): Promise<Orphan[]> {
      const orphans: Orphan[] = [];
      for (const rec of await deps.records.list(ctx)) {
        const fault = faultByType.get(rec.faultType);
        if (!fault) continue;
        const target: Target = {
          id: `docker:container/${rec.containerId}`, kind: TARGET_KIND, name: rec.containerId.slice(0, 12), labels: {},
          ref: { containerId: rec.containerId, name: rec.containerId.slice(0, 12), endpoint: deps.api.endpoint },
        };
        orphans.push({
          kind: TARGET_KIND,
          runId: rec.runId,
          faultName: rec.faultName,
          description: `${rec.faultType} on container ${rec.containerId.slice(0, 12)} (undo record volume ${rec.volume})`,
          remove: (c) => fault.revert(target, rec.undo, { ...c, runId: rec.runId, faultName: rec.faultName }),
        });
      }
      if (!deps.api.endpoint.startsWith('unix://')) {
        ctx.log.warn({ endpoint: deps.api.endpoint }, 'remote Docker engine: packet-loss rules inside containers cannot be swept from here');
        return orphans;
      }
      const running = await deps.api.call('list running containers', ctx, (abortSignal) =>
        deps.api.docker.listContainers({ filters: { status: ['running', 'paused'] }, abortSignal }));
      for (const c of running) {
        const info = await inspectContainer(deps.api, c.Id, ctx);
        const pid = info?.State.Pid;
        if (!pid) continue;
        const tags = new Set<string>();
        for (const chain of ['INPUT', 'OUTPUT'] as const) {
          for (const rule of await deps.iptables.listRules(pid, chain, ctx)) {
            const tag = commentOf(rule);
            if (tag && parseArtefactName(tag)) tags.add(tag);
          }
        }
        for (const tag of tags) {
          const parsed = parseArtefactName(tag);
          if (!parsed) continue;
          const name = containerName(c);
          orphans.push({
            kind: TARGET_KIND,
            runId: parsed.runId,
            faultName: parsed.faultName,
            description: `iptables DROP rules "${tag}" in container ${name}`,
            async remove(rc) {
              // Re-inspect: the container may have restarted (new pid, rules already gone) since the sweep.
              const now = await inspectContainer(deps.api, c.Id, rc);
              if (now?.State.Running && now.State.Pid) await removeTaggedRules(deps, now.State.Pid, tag, rc);
            },
          });
        }
      }
      return orphans;
    },
  };
}

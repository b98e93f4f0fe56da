import {
  type CallContext, type FaultProvider, type Orphan, type OrphanSweeper, type Target,
} from '@faultline/core';
import type { DockerApi } from '../shared/api.js';
import { inspectContainer } from '../shared/containers.js';
import { netnsInodeOf, type NetnsFaults } from '@faultline/netns';
import { TARGET_KIND, containerName } from '../shared/target-ref.js';
import type { UndoRecords } from '../shared/undo-record.js';

/**
 * Finds what docker faults may have left behind on the engine, tagged with run ids:
 * - network faults in every running container's network namespace (only when the engine is local; a
 *   remote engine's namespaces are out of reach): packet-loss / partition / latency iptables rules
 *   (comment `faultline-<runId>-<fault>`), bandwidth / netem qdiscs (through the ledger chain) and
 *   latency proxies, all through @faultline/netns;
 * - undo records (volumes) of pause / stop / network-disconnect whose revert never completed.
 *   Removing one of these runs that fault's revert from the record, then deletes the record.
 * A container that is paused or stopped with NO undo record is not reported: nothing says we did it,
 * and guessing would unpause or start containers people stopped on purpose.
 * The sweep does not know which runs are still active; the caller filters orphans by runId.
 */
export function createDockerSweeper(deps: {
  api: DockerApi;
  records: UndoRecords;
  netns: NetnsFaults;
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
        ctx.log.warn({ endpoint: deps.api.endpoint }, 'remote Docker engine: network-fault rules inside containers cannot be swept from here');
        return orphans;
      }
      const running = await deps.api.call('list running containers', ctx, (abortSignal) =>
        deps.api.docker.listContainers({ filters: { status: ['running', 'paused'] }, abortSignal }));
      // Namespace inode -> container name: only leftovers inside containers of this engine are ours to report.
      const containers = new Map<number, { id: string; name: string }>();
      for (const c of running) {
        const pid = (await inspectContainer(deps.api, c.Id, ctx))?.State.Pid;
        const inode = pid ? netnsInodeOf(pid) : undefined;
        if (inode !== undefined) containers.set(inode, { id: c.Id, name: containerName(c) });
      }
      for (const left of await deps.netns.sweep(ctx)) {
        const c = containers.get(left.inode);
        if (!c) continue;
        orphans.push({
          kind: TARGET_KIND,
          runId: left.runId,
          faultName: left.faultName,
          description: `network fault "${left.tag}" in container ${c.name} (net:[${left.inode}]): ${left.what.join('; ')}`,
          // By inode: a container that restarted since has a new namespace, and the old one took our rules with it.
          remove: async (rc) => { await deps.netns.revert(left.inode, left.tag, rc); },
        });
      }
      return orphans;
    },
  };
}

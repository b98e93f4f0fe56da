import { Type, type Static } from '@sinclair/typebox';
import type { FaultProvider } from '@faultline/core';
import { tolerating } from '../shared/api.js';
import { TARGET_KIND } from '../shared/target-ref.js';
import { undoRecordKey } from '../shared/undo-record.js';
import { containerForInject, inspectContainer, notRunning, type DockerFaultDeps } from '../shared/containers.js';

export const pauseParams = Type.Object({}, { additionalProperties: false, description: 'docker.pause takes no parameters' });
export type PauseParams = Static<typeof pauseParams>;

/** What revert needs: whether the container was already paused before we came. */
export type PauseUndo = { containerId: string; wasPaused: boolean };

export const PAUSE_TYPE = 'docker.pause';

/**
 * docker.pause: freezes every process of the container (cgroup freezer) until revert. The container
 * keeps its network endpoints, so peers see connections that accept nothing: hung, not refused.
 *
 * Revert unpauses only if we paused it. A fresh process decides from, in order: the undo data, the
 * undo record written on the engine before pausing (shared/undo-record.ts), and, when both are missing
 * (records deleted by hand or by `docker volume prune --all`), the fact that revert was called at all:
 * the engine journals the fault as `injecting` before it acts, so a paused container at that point was
 * most likely paused by us. Trade-off: a container an operator paused during that window is unpaused
 * too; we accept it because a paused container is never a desired steady state, while one left paused
 * by a crashed run is an outage.
 */
export function createPauseFault(deps: DockerFaultDeps): FaultProvider<PauseParams, PauseUndo> {
  const key = undoRecordKey;
  return {
    type: PAUSE_TYPE,
    targetKind: TARGET_KIND,
    paramsSchema: pauseParams,
    summary: 'Pause (freeze) the container until revert; connections to it hang.',
    async inject(target, _params, ctx) {
      const info = await containerForInject(deps, target, ctx);
      const recorded = await deps.records.read<PauseUndo>(key(target, ctx), ctx);
      if (!info.State.Running) throw notRunning(PAUSE_TYPE, target, info);
      const undo = recorded ?? { containerId: info.Id, wasPaused: info.State.Paused };
      if (!recorded) await deps.records.write({ ...key(target, ctx), faultType: PAUSE_TYPE }, undo, ctx);
      if (!info.State.Paused) {
        await deps.api.call(`pause container ${target.name}`, ctx, (abortSignal) =>
          deps.api.docker.getContainer(info.Id).pause({ abortSignal }));
        ctx.log.info({ runId: ctx.runId, targetId: target.id }, 'container paused');
      }
      return undo;
    },
    async revert(target, undo, ctx) {
      const k = key(target, ctx);
      const known = undo ?? (await deps.records.read<PauseUndo>(k, ctx));
      const info = await inspectContainer(deps.api, k.containerId, ctx);
      const shouldUnpause = info !== undefined && info.State.Paused && (known ? !known.wasPaused : true);
      if (info && !known && info.State.Paused) {
        ctx.log.warn({ runId: ctx.runId, targetId: target.id }, 'no undo data or record; unpausing because the journal says this run paused it');
      }
      if (shouldUnpause) {
        // 404: removed meanwhile; 409: someone unpaused it meanwhile. Both mean done.
        await tolerating([404, 409], () => deps.api.call(`unpause container ${target.name}`, ctx, (abortSignal) =>
          deps.api.docker.getContainer(k.containerId).unpause({ abortSignal })));
        ctx.log.info({ runId: ctx.runId, targetId: target.id }, 'container unpaused');
      }
      await deps.records.remove(k, ctx);
    },
  };
}

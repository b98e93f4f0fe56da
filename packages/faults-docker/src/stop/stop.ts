import { Type, type Static } from '@sinclair/typebox';
import { DurationString, parseDuration, type FaultProvider } from '@faultline/core';
import { tolerating } from '../shared/api.js';
import { TARGET_KIND } from '../shared/target-ref.js';
import { undoRecordKey } from '../shared/undo-record.js';
import { containerForInject, inspectContainer, type DockerFaultDeps } from '../shared/containers.js';

export const stopParams = Type.Object(
  {
    gracePeriod: Type.Optional(DurationString('Time between SIGTERM (or the image\'s STOPSIGNAL) and SIGKILL; default 10s')),
  },
  { additionalProperties: false },
);
export type StopParams = Static<typeof stopParams>;

/** What revert needs: whether the container was running before we stopped it. */
export type StopUndo = { containerId: string; wasRunning: boolean };

export const STOP_TYPE = 'docker.stop';
const DEFAULT_GRACE_MS = 10_000;

/**
 * docker.stop: `docker stop` (graceful, then SIGKILL after the grace period); restart policies do not
 * bring it back because the engine treats it as a manual stop. Revert starts it again only if it was
 * running before. A fresh process reads that from the undo data or, after a crash before the undo was
 * journaled, from the undo record written on the engine before stopping. With neither it leaves the
 * container alone: starting a container someone stopped on purpose is worse than leaving ours stopped
 * (the after-check and the report show it).
 */
export function createStopFault(deps: DockerFaultDeps): FaultProvider<StopParams, StopUndo> {
  const key = undoRecordKey;
  return {
    type: STOP_TYPE,
    targetKind: TARGET_KIND,
    paramsSchema: stopParams,
    summary: 'Stop the container (SIGTERM, then SIGKILL after a grace period); revert starts it again.',
    check(params) {
      return params.gracePeriod !== undefined && parseDuration(params.gracePeriod) > 300_000
        ? [{ path: 'gracePeriod', message: 'at most 5m: a longer stop would outlive most holds' }]
        : [];
    },
    async inject(target, params, ctx) {
      const info = await containerForInject(deps, target, ctx);
      const recorded = await deps.records.read<StopUndo>(key(target, ctx), ctx);
      const undo = recorded ?? { containerId: info.Id, wasRunning: info.State.Running };
      if (!recorded) await deps.records.write({ ...key(target, ctx), faultType: STOP_TYPE }, undo, ctx);
      if (info.State.Running) {
        const graceMs = params.gracePeriod !== undefined ? parseDuration(params.gracePeriod) : DEFAULT_GRACE_MS;
        // The engine waits the grace period before answering, so this call's timeout includes it.
        await deps.api.call(`stop container ${target.name}`, ctx, (abortSignal) =>
          deps.api.docker.getContainer(info.Id).stop({ t: Math.ceil(graceMs / 1000), abortSignal }), { extraMs: graceMs });
        ctx.log.info({ runId: ctx.runId, targetId: target.id }, 'container stopped');
      }
      return undo;
    },
    async revert(target, undo, ctx) {
      const k = key(target, ctx);
      const known = undo ?? (await deps.records.read<StopUndo>(k, ctx));
      const info = await inspectContainer(deps.api, k.containerId, ctx);
      if (!known && info && !info.State.Running) {
        ctx.log.warn({ runId: ctx.runId, targetId: target.id }, 'no undo data or record; leaving the stopped container alone');
      }
      if (info && known?.wasRunning && !info.State.Running) {
        // 304: already started; 404: removed meanwhile.
        await tolerating([304, 404], () => deps.api.call(`start container ${target.name}`, ctx, (abortSignal) =>
          deps.api.docker.getContainer(k.containerId).start({ abortSignal })));
        ctx.log.info({ runId: ctx.runId, targetId: target.id }, 'container started');
      }
      await deps.records.remove(k, ctx);
    },
  };
}

import { Type, type Static } from '@sinclair/typebox';
import { DurationString, parseDuration, type FaultProvider } from '@faultline/core';
import { TARGET_KIND } from '../shared/target-ref.js';
import { containerForInject, notRunning, type DockerFaultDeps } from '../shared/containers.js';

export const restartParams = Type.Object(
  {
    gracePeriod: Type.Optional(DurationString('Time between the stop signal and SIGKILL; default 10s')),
  },
  { additionalProperties: false },
);
export type RestartParams = Static<typeof restartParams>;

/** For the journal: the start time before the restart (a later StartedAt proves it happened). */
export type RestartUndo = { containerId: string; startedAtBefore: string };

export const RESTART_TYPE = 'docker.restart';
const DEFAULT_GRACE_MS = 10_000;

/**
 * docker.restart: stop (graceful, then SIGKILL) and start again; the process restarts from scratch,
 * losing in-memory state and connections. Irreversible in the sense that nothing is left to undo.
 * A repeated inject restarts again, which is harmless for this fault; the engine calls it once.
 */
export function createRestartFault(deps: DockerFaultDeps): FaultProvider<RestartParams, RestartUndo> {
  return {
    type: RESTART_TYPE,
    targetKind: TARGET_KIND,
    paramsSchema: restartParams,
    summary: 'Restart the container (graceful stop, then start); nothing to revert.',
    irreversible: true,
    async inject(target, params, ctx) {
      const info = await containerForInject(deps, target, ctx);
      if (!info.State.Running) throw notRunning(RESTART_TYPE, target, info);
      const graceMs = params.gracePeriod !== undefined ? parseDuration(params.gracePeriod) : DEFAULT_GRACE_MS;
      await deps.api.call(`restart container ${target.name}`, ctx, (abortSignal) =>
        deps.api.docker.getContainer(info.Id).restart({ t: Math.ceil(graceMs / 1000), abortSignal }), { extraMs: graceMs });
      ctx.log.info({ runId: ctx.runId, targetId: target.id }, 'container restarted');
      return { containerId: info.Id, startedAtBefore: info.State.StartedAt };
    },
    async revert(target, _undo, ctx) {
      ctx.log.debug({ runId: ctx.runId, targetId: target.id }, 'docker.restart has nothing to revert');
    },
  };
}

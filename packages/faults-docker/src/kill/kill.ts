import { Type, type Static } from '@sinclair/typebox';
import type { FaultProvider } from '@faultline/core';
import { tolerating } from '../shared/api.js';
import { TARGET_KIND } from '../shared/target-ref.js';
import { containerForInject, type DockerFaultDeps } from '../shared/containers.js';

export const killParams = Type.Object(
  {
    signal: Type.Optional(Type.String({
      pattern: '^(SIG[A-Z0-9+-]+|[A-Z][A-Z0-9+-]*|[0-9]{1,2})$',
      description: 'Signal to send: SIGKILL (default), SIGTERM, SIGHUP, 9, ...',
    })),
  },
  { additionalProperties: false },
);
export type KillParams = Static<typeof killParams>;

/** Not needed for revert (there is none); kept so the journal shows what was sent and to whom. */
export type KillUndo = { containerId: string; signal: string; sent: boolean };

export const KILL_TYPE = 'docker.kill';

/**
 * docker.kill: sends a signal to the container's main process (SIGKILL by default). Irreversible: a
 * restart policy, an orchestrator or nobody brings it back, which is what the experiment observes.
 * Idempotent in the way that matters: a container that is no longer running is not signalled again.
 */
export function createKillFault(deps: DockerFaultDeps): FaultProvider<KillParams, KillUndo> {
  return {
    type: KILL_TYPE,
    targetKind: TARGET_KIND,
    paramsSchema: killParams,
    summary: 'Send a signal (default SIGKILL) to the container; nothing to revert.',
    irreversible: true,
    async inject(target, params, ctx) {
      const signal = params.signal ?? 'SIGKILL';
      const info = await containerForInject(deps, target, ctx);
      if (!info.State.Running) return { containerId: info.Id, signal, sent: false };
      // 409: it stopped between inspect and kill, which is what we wanted anyway.
      await tolerating([409], () => deps.api.call(`kill container ${target.name} with ${signal}`, ctx, (abortSignal) =>
        deps.api.docker.getContainer(info.Id).kill({ signal, abortSignal })));
      ctx.log.info({ runId: ctx.runId, targetId: target.id, signal }, 'container signalled');
      return { containerId: info.Id, signal, sent: true };
    },
    async revert(target, _undo, ctx) {
      ctx.log.debug({ runId: ctx.runId, targetId: target.id }, 'docker.kill has nothing to revert');
    },
  };
}

import { Type, type Static } from '@sinclair/typebox';
import { DurationString, parseDuration, ProviderError, type FaultContext, type FaultProvider, type Target } from '@faultline/core';
import { isConflict, isNotFound } from '../client/errors.js';
import type { KubeDeps } from '../shared/deps.js';
import { refOf } from '../shared/target-ref.js';

export const podKillParams = Type.Object(
  {
    gracePeriod: Type.Optional(DurationString('Grace period before the pod is killed (0s = immediately); default: the pod\'s own terminationGracePeriodSeconds')),
  },
  { additionalProperties: false },
);
export type PodKillParams = Static<typeof podKillParams>;

/** What was killed, kept for the report (there is nothing to undo). */
export interface PodKillUndo {
  [key: string]: string | number | null;
  readonly namespace: string;
  readonly pod: string;
  readonly uid: string;
  /** null = the pod's own grace period. */
  readonly gracePeriodSeconds: number | null;
}

/**
 * `kubernetes.pod-kill`: deletes the selected pod with a grace period (the pod's own unless given).
 * The delete carries the resolved uid as a precondition, so a replacement pod with the same name (StatefulSets)
 * is never killed by a repeated inject. Already gone = done. Irreversible: revert does nothing; recovery is
 * the workload's job and is checked by probes.
 */
export function podKillFault(deps: KubeDeps): FaultProvider<PodKillParams, PodKillUndo> {
  const type = 'kubernetes.pod-kill';
  return {
    type,
    targetKind: 'kubernetes',
    paramsSchema: podKillParams,
    summary: 'Deletes the selected pods with a grace period; their controllers are expected to replace them.',
    irreversible: true,
    check(params) {
      if (params.gracePeriod === undefined) return [];
      try {
        parseDuration(params.gracePeriod);
        return [];
      } catch (err) {
        return [{ path: 'gracePeriod', message: (err as Error).message }];
      }
    },
    async inject(target: Target, params: PodKillParams, ctx: FaultContext): Promise<PodKillUndo> {
      const ref = refOf(target, { faultType: type, kinds: ['Pod'], allowKubeSystem: deps.allowKubeSystem });
      const grace = params.gracePeriod === undefined ? null : Math.ceil(parseDuration(params.gracePeriod) / 1000);
      const undo: PodKillUndo = { namespace: ref.namespace, pod: ref.name, uid: ref.uid, gracePeriodSeconds: grace };
      const api = deps.api().as(type);
      const { namespace, name } = ref;
      try {
        await api.call({ verb: 'delete', group: '', resource: 'pods', namespace, name }, ctx, (o) =>
          api.core.deleteNamespacedPod({
            namespace, name,
            ...(grace !== null ? { gracePeriodSeconds: grace } : {}),
            body: { ...(grace !== null ? { gracePeriodSeconds: grace } : {}), ...(ref.uid ? { preconditions: { uid: ref.uid } } : {}) },
          }, o));
        ctx.log.info({ runId: ctx.runId, targetId: target.id, gracePeriodSeconds: grace }, 'pod deleted');
      } catch (err) {
        // Gone already, or the name now belongs to a replacement pod: the pod we resolved is dead either way.
        if (isNotFound(err) || isConflict(err)) {
          ctx.log.info({ runId: ctx.runId, targetId: target.id }, 'pod already gone');
          return undo;
        }
        throw err instanceof ProviderError ? err : new ProviderError(`killing pod ${namespace}/${name} failed`, { cause: err });
      }
      return undo;
    },
    async revert(): Promise<void> {
      // Nothing to undo: a killed pod is replaced by its controller, which probes verify.
    },
  };
}

import { Type, type Static } from '@sinclair/typebox';
import { ProviderError, type CallContext, type FaultContext, type FaultProvider, type Json, type Target } from '@faultline/core';
import type { V1Deployment, V1StatefulSet } from '@kubernetes/client-node';
import { MERGE_PATCH, type KubeCaller } from '../client/kube-api.js';
import type { KubeDeps } from '../shared/deps.js';
import { refOf, type KubeRef } from '../shared/target-ref.js';
import { retryOnConflict } from '../shared/conflict-retry.js';
import { assertNotHeldByOther, ORIGINAL_REPLICAS_ANNOTATION, ownedBy, readState, stateAnnotation, stateMetadataPatch, type FaultState } from '../shared/annotations.js';

export const scaleParams = Type.Object(
  { replicas: Type.Integer({ minimum: 0, description: 'Replica count to hold during the fault' }) },
  { additionalProperties: false },
);
export type ScaleParams = Static<typeof scaleParams>;

/** Kept on the object (annotation faultline.dev/scale) and returned as undo. */
export interface ScaleState extends FaultState {
  [key: string]: Json;
  readonly runId: string;
  readonly faultName: string;
  readonly originalReplicas: number;
  readonly replicas: number;
}

type Workload = V1Deployment | V1StatefulSet;
const TYPE = 'kubernetes.scale';

async function read(api: KubeCaller, ref: KubeRef, ctx: CallContext): Promise<Workload | undefined> {
  const { namespace, name } = ref;
  return ref.kind === 'Deployment'
    ? api.find({ verb: 'get', group: 'apps', resource: 'deployments', namespace, name }, ctx, (o) => api.apps.readNamespacedDeployment({ namespace, name }, o))
    : api.find({ verb: 'get', group: 'apps', resource: 'statefulsets', namespace, name }, ctx, (o) => api.apps.readNamespacedStatefulSet({ namespace, name }, o));
}

async function patch(api: KubeCaller, ref: KubeRef, body: object, ctx: CallContext): Promise<void> {
  const { namespace, name } = ref;
  if (ref.kind === 'Deployment') {
    await api.call({ verb: 'patch', group: 'apps', resource: 'deployments', namespace, name }, ctx, (o) =>
      api.apps.patchNamespacedDeployment({ namespace, name, body }, o), { contentType: MERGE_PATCH });
  } else {
    await api.call({ verb: 'patch', group: 'apps', resource: 'statefulsets', namespace, name }, ctx, (o) =>
      api.apps.patchNamespacedStatefulSet({ namespace, name, body }, o), { contentType: MERGE_PATCH });
  }
}

/**
 * `kubernetes.scale`: sets a Deployment's or StatefulSet's replicas. The original count is written to the
 * object (annotations faultline.dev/original-replicas and faultline.dev/scale, label faultline.dev/run) in the
 * same conditional write, so revert works from the object alone. Revert restores the original only if the
 * replicas are still what we set; a later change by someone else is reported and left alone.
 */
export function scaleFault(deps: KubeDeps): FaultProvider<ScaleParams, ScaleState> {
  return {
    type: TYPE,
    targetKind: 'kubernetes',
    paramsSchema: scaleParams,
    summary: 'Sets the replica count of a Deployment or StatefulSet and restores the original on revert.',
    async inject(target: Target, params: ScaleParams, ctx: FaultContext): Promise<ScaleState> {
      const ref = refOf(target, { faultType: TYPE, kinds: ['Deployment', 'StatefulSet'], allowKubeSystem: deps.allowKubeSystem });
      const api = deps.api().as(TYPE);
      const what = `scaling ${ref.kind} ${ref.namespace}/${ref.name}`;
      return retryOnConflict(what, ctx, async () => {
        const obj = await read(api, ref, ctx);
        if (!obj) throw new ProviderError(`${what}: it no longer exists`, { hint: 'run `faultline plan` again; the target was deleted after planning' });
        const state = readState<ScaleState>(obj.metadata, TYPE);
        assertNotHeldByOther(state, ctx.runId, ctx.faultName, `${ref.kind} ${ref.namespace}/${ref.name}`);
        if (state && ownedBy(state, ctx.runId, ctx.faultName)) return state;
        const next: ScaleState = { runId: ctx.runId, faultName: ctx.faultName, originalReplicas: obj.spec?.replicas ?? 1, replicas: params.replicas };
        await patch(api, ref, {
          metadata: stateMetadataPatch({
            meta: obj.metadata, fault: TYPE, state: next, extra: { [ORIGINAL_REPLICAS_ANNOTATION]: String(next.originalReplicas) },
            resourceVersion: obj.metadata?.resourceVersion as string,
          }),
          spec: { replicas: params.replicas },
        }, ctx);
        ctx.log.info({ runId: ctx.runId, targetId: target.id, from: next.originalReplicas, to: params.replicas }, 'scaled');
        return next;
      });
    },
    async revert(target: Target, _undo: ScaleState | undefined, ctx: FaultContext): Promise<void> {
      const ref = refOf(target, { faultType: TYPE, kinds: ['Deployment', 'StatefulSet'], allowKubeSystem: deps.allowKubeSystem });
      const api = deps.api().as(TYPE);
      const what = `restoring replicas of ${ref.kind} ${ref.namespace}/${ref.name}`;
      await retryOnConflict(what, ctx, async () => {
        const obj = await read(api, ref, ctx);
        if (!obj) return;
        // The object is the source of truth: no state of ours on it means never injected or already reverted.
        const state = readState<ScaleState>(obj.metadata, TYPE);
        if (!state || !ownedBy(state, ctx.runId, ctx.faultName)) return;
        const current = obj.spec?.replicas ?? 1;
        if (current !== state.replicas && current !== state.originalReplicas) {
          throw new ProviderError(
            `${what}: replicas are now ${current}, neither the ${state.replicas} Faultline set nor the original ${state.originalReplicas}; someone changed them during the fault, so Faultline leaves them alone`,
            { retryable: false, hint: `decide the right count, then remove the marker: kubectl -n ${ref.namespace} annotate ${ref.kind.toLowerCase()} ${ref.name} ${stateAnnotation[TYPE]}- ${ORIGINAL_REPLICAS_ANNOTATION}-` },
          );
        }
        await patch(api, ref, {
          metadata: stateMetadataPatch({ meta: obj.metadata, fault: TYPE, state: null, extra: { [ORIGINAL_REPLICAS_ANNOTATION]: null }, resourceVersion: obj.metadata?.resourceVersion as string }),
          ...(current !== state.originalReplicas ? { spec: { replicas: state.originalReplicas } } : {}),
        }, ctx);
        ctx.log.info({ runId: ctx.runId, targetId: target.id, replicas: state.originalReplicas }, 'replicas restored');
      });
    },
  };
}

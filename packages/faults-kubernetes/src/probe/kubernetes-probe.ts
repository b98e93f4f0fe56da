import { Type, type Static } from '@sinclair/typebox';
import { FaultlineError, ProbeError, type CallContext, type Observation, type Probe } from '@faultline/core';
import type { V1Pod } from '@kubernetes/client-node';
import type { KubeDeps } from '../shared/deps.js';

export const kubernetesProbeParams = Type.Object(
  {
    namespace: Type.String({ minLength: 1 }),
    kind: Type.Optional(Type.Union([Type.Literal('Pod'), Type.Literal('Deployment'), Type.Literal('StatefulSet')], { description: 'Pod (default): ready pods of a selector; Deployment/StatefulSet: available/ready replicas' })),
    name: Type.Optional(Type.String({ minLength: 1, description: 'Deployment or StatefulSet name' })),
    selector: Type.Optional(Type.String({ description: 'Label selector for pods' })),
    fieldSelector: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type KubernetesProbeParams = Static<typeof kubernetesProbeParams>;

/** Ready = Running, condition Ready=True and not terminating (what a Service would route to). */
export function isPodReady(pod: V1Pod): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  return pod.status?.phase === 'Running' && (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * `kubernetes` probe: the number of ready pods matching a selector, or a Deployment's available replicas
 * (StatefulSet: ready replicas). The count is the observed value; a missing workload observes 0.
 * Throws ProbeError only when the API cannot be asked (unreachable, forbidden, timeout).
 */
export function kubernetesProbe(deps: KubeDeps): Probe<KubernetesProbeParams> {
  return {
    kind: 'kubernetes',
    paramsSchema: kubernetesProbeParams,
    summary: 'Counts ready pods of a selector, or available replicas of a Deployment/StatefulSet.',
    async observe(params: KubernetesProbeParams, ctx: CallContext): Promise<Observation> {
      const api = deps.api().as('probe');
      const { namespace } = params;
      const kind = params.kind ?? 'Pod';
      try {
        if (kind === 'Pod') {
          let ready = 0;
          let total = 0;
          let cont: string | undefined;
          do {
            const page = await api.call({ verb: 'list', group: '', resource: 'pods', namespace }, ctx, (o) =>
              api.core.listNamespacedPod({
                namespace, limit: 500, ...(cont ? { _continue: cont } : {}),
                ...(params.selector ? { labelSelector: params.selector } : {}), ...(params.fieldSelector ? { fieldSelector: params.fieldSelector } : {}),
              }, o));
            for (const p of page.items) {
              total++;
              if (isPodReady(p)) ready++;
            }
            cont = page.metadata?._continue || undefined;
          } while (cont);
          return { value: ready, detail: `${ready} of ${total} pods ready in ${namespace}${params.selector ? ` matching ${params.selector}` : ''}` };
        }
        if (!params.name) throw new ProbeError(`the kubernetes probe needs \`name\` for kind ${kind}`, { hint: 'add name: <workload name>' });
        const name = params.name;
        if (kind === 'Deployment') {
          const d = await api.find({ verb: 'get', group: 'apps', resource: 'deployments', namespace, name }, ctx, (o) => api.apps.readNamespacedDeployment({ namespace, name }, o));
          if (!d) return { value: 0, detail: `Deployment ${namespace}/${name} does not exist` };
          const available = d.status?.availableReplicas ?? 0;
          return { value: available, detail: `Deployment ${namespace}/${name}: ${available} of ${d.spec?.replicas ?? 1} replicas available` };
        }
        const s = await api.find({ verb: 'get', group: 'apps', resource: 'statefulsets', namespace, name }, ctx, (o) => api.apps.readNamespacedStatefulSet({ namespace, name }, o));
        if (!s) return { value: 0, detail: `StatefulSet ${namespace}/${name} does not exist` };
        const ready = s.status?.readyReplicas ?? 0;
        return { value: ready, detail: `StatefulSet ${namespace}/${name}: ${ready} of ${s.spec?.replicas ?? 1} replicas ready` };
      } catch (err) {
        if (err instanceof ProbeError) throw err;
        const fe = err instanceof FaultlineError ? err : undefined;
        throw new ProbeError(`kubernetes probe could not evaluate: ${(err as Error).message}`, { cause: err, retryable: fe?.retryable ?? false, ...(fe?.hint ? { hint: fe.hint } : {}) });
      }
    },
  };
}

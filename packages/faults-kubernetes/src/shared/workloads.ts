import type { V1PodTemplateSpec } from '@kubernetes/client-node';
import type { CallContext } from '@faultline/core';
import type { KubeCaller } from '../client/kube-api.js';
import { MERGE_PATCH } from '../client/kube-api.js';
import { systemClock } from '@faultline/core';

/** A Deployment or StatefulSet, by kind and name. */
export interface WorkloadRef {
  readonly kind: 'Deployment' | 'StatefulSet';
  readonly namespace: string;
  readonly name: string;
}

/** True when a pod template mounts or reads the ConfigMap/Secret (volumes, projected volumes, env, envFrom). */
export function templateUses(template: V1PodTemplateSpec | undefined, source: { kind: 'ConfigMap' | 'Secret'; name: string }): boolean {
  const spec = template?.spec;
  if (!spec) return false;
  const isCm = source.kind === 'ConfigMap';
  for (const v of spec.volumes ?? []) {
    if (isCm && v.configMap?.name === source.name) return true;
    if (!isCm && v.secret?.secretName === source.name) return true;
    for (const p of v.projected?.sources ?? []) {
      if (isCm && p.configMap?.name === source.name) return true;
      if (!isCm && p.secret?.name === source.name) return true;
    }
  }
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    for (const e of c.envFrom ?? []) {
      if (isCm && e.configMapRef?.name === source.name) return true;
      if (!isCm && e.secretRef?.name === source.name) return true;
    }
    for (const e of c.env ?? []) {
      if (isCm && e.valueFrom?.configMapKeyRef?.name === source.name) return true;
      if (!isCm && e.valueFrom?.secretKeyRef?.name === source.name) return true;
    }
  }
  return false;
}

/** Deployments and StatefulSets in the namespace whose pods use the ConfigMap/Secret. */
export async function workloadsUsing(api: KubeCaller, source: { kind: 'ConfigMap' | 'Secret'; namespace: string; name: string }, ctx: CallContext): Promise<WorkloadRef[]> {
  const { namespace } = source;
  const [deploys, sets] = await Promise.all([
    api.call({ verb: 'list', group: 'apps', resource: 'deployments', namespace }, ctx, (o) => api.apps.listNamespacedDeployment({ namespace }, o)),
    api.call({ verb: 'list', group: 'apps', resource: 'statefulsets', namespace }, ctx, (o) => api.apps.listNamespacedStatefulSet({ namespace }, o)),
  ]);
  const out: WorkloadRef[] = [];
  for (const d of deploys.items) if (templateUses(d.spec?.template, source)) out.push({ kind: 'Deployment', namespace, name: d.metadata?.name as string });
  for (const s of sets.items) if (templateUses(s.spec?.template, source)) out.push({ kind: 'StatefulSet', namespace, name: s.metadata?.name as string });
  return out;
}

/** `kubectl rollout restart`: stamps the pod template so the controller replaces every pod. 404 is ignored. */
export async function rolloutRestart(api: KubeCaller, w: WorkloadRef, ctx: CallContext, at: Date = systemClock.now()): Promise<void> {
  const body = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': at.toISOString() } } } } };
  const { namespace, name } = w;
  if (w.kind === 'Deployment') {
    await api.find({ verb: 'patch', group: 'apps', resource: 'deployments', namespace, name }, ctx, (o) =>
      api.apps.patchNamespacedDeployment({ namespace, name, body }, o), { contentType: MERGE_PATCH });
  } else {
    await api.find({ verb: 'patch', group: 'apps', resource: 'statefulsets', namespace, name }, ctx, (o) =>
      api.apps.patchNamespacedStatefulSet({ namespace, name, body }, o), { contentType: MERGE_PATCH });
  }
}

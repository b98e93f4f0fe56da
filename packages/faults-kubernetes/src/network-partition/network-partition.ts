import { createHash } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { artefactName, ProviderError, type CallContext, type FaultContext, type FaultProvider, type Json, type Target } from '@faultline/core';
import type { V1LabelSelector, V1NetworkPolicy, V1NetworkPolicyPeer } from '@kubernetes/client-node';
import { MERGE_PATCH, type KubeCaller } from '../client/kube-api.js';
import { isAlreadyExists } from '../client/errors.js';
import type { KubeDeps } from '../shared/deps.js';
import { refOf, type KubeRef } from '../shared/target-ref.js';
import { FAULT_ANNOTATION, RUN_LABEL, TARGET_ANNOTATION } from '../shared/annotations.js';

const Labels = Type.Record(Type.String({ minLength: 1 }), Type.String());

export const networkPartitionParams = Type.Object(
  {
    direction: Type.Optional(Type.Union([Type.Literal('ingress'), Type.Literal('egress'), Type.Literal('both')], { description: 'Traffic to deny (default both)' })),
    allow: Type.Optional(Type.Array(
      Type.Object({
        podSelector: Type.Optional(Labels),
        namespaceSelector: Type.Optional(Labels),
        cidr: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F:.]+/\\d{1,3}$', description: 'IP block, e.g. 10.0.0.0/8' })),
      }, { additionalProperties: false }),
      { description: 'Peers still allowed in the denied directions (e.g. DNS or the metrics scraper)' },
    )),
  },
  { additionalProperties: false },
);
export type NetworkPartitionParams = Static<typeof networkPartitionParams>;

/** Returned as undo: which policy and which pod label carry the partition. */
export interface NetworkPartitionUndo {
  [key: string]: Json;
  readonly namespace: string;
  readonly policy: string;
  /** Set for Pod targets: the label added to the pod so the policy selects exactly it. */
  readonly podLabel: string | null;
}

const TYPE = 'kubernetes.network-partition';

const shortHash = (s: string, n: number) => createHash('sha256').update(s).digest('hex').slice(0, n);

/**
 * The policy for one target: artefactName(runId, faultName) plus a short hash of the target, so one fault can
 * partition several targets in a namespace; DNS-1123 safe.
 */
export function policyName(runId: string, faultName: string, targetId: string): string {
  const base = artefactName(runId, faultName).toLowerCase().replace(/[^a-z0-9.-]+/g, '-').slice(0, 240).replace(/[-.]+$/, '');
  return `${base}-${shortHash(targetId, 8)}`;
}

/** Label key that marks a partitioned pod (one per policy, so overlapping partitions do not clash). */
export function partitionLabel(policy: string): string {
  return `faultline.dev/partition-${shortHash(policy, 10)}`;
}

function peers(allow: NetworkPartitionParams['allow']): V1NetworkPolicyPeer[] {
  return (allow ?? []).map((a) => ({
    ...(a.podSelector ? { podSelector: { matchLabels: a.podSelector } } : {}),
    ...(a.namespaceSelector ? { namespaceSelector: { matchLabels: a.namespaceSelector } } : {}),
    ...(a.cidr ? { ipBlock: { cidr: a.cidr } } : {}),
  }));
}

/**
 * `kubernetes.network-partition`: a NetworkPolicy (named from artefactName, labelled faultline.dev/run) that
 * denies ingress, egress or both for the target, except for the allowed peers. Deployments and StatefulSets
 * are selected by their own selector (new pods are covered too); a Pod is first labelled with a partition
 * label so the policy selects exactly that pod. Revert deletes the policy and removes the label (404 = done).
 * Needs a CNI that enforces NetworkPolicies.
 */
export function networkPartitionFault(deps: KubeDeps): FaultProvider<NetworkPartitionParams, NetworkPartitionUndo> {
  return {
    type: TYPE,
    targetKind: 'kubernetes',
    paramsSchema: networkPartitionParams,
    summary: 'Adds a NetworkPolicy that denies ingress and/or egress for the selected pods; deleted on revert.',
    check(params) {
      return (params.allow ?? []).flatMap((a, i) =>
        a.podSelector || a.namespaceSelector || a.cidr ? [] : [{ path: `allow[${i}]`, message: 'an allowed peer needs podSelector, namespaceSelector or cidr' }]);
    },
    async inject(target: Target, params: NetworkPartitionParams, ctx: FaultContext): Promise<NetworkPartitionUndo> {
      const ref = refOf(target, { faultType: TYPE, kinds: ['Pod', 'Deployment', 'StatefulSet'], allowKubeSystem: deps.allowKubeSystem });
      const api = deps.api().as(TYPE);
      const policy = policyName(ctx.runId, ctx.faultName, target.id);
      const podLabel = ref.kind === 'Pod' ? partitionLabel(policy) : null;
      const podSelector: V1LabelSelector = podLabel ? { matchLabels: { [podLabel]: 'true' } } : await workloadSelector(api, ref, ctx);
      const direction = params.direction ?? 'both';
      const allowed = peers(params.allow);
      const body: V1NetworkPolicy = {
        metadata: {
          name: policy, namespace: ref.namespace,
          labels: { [RUN_LABEL]: ctx.runId, 'app.kubernetes.io/managed-by': 'faultline' },
          annotations: { [FAULT_ANNOTATION]: ctx.faultName, [TARGET_ANNOTATION]: JSON.stringify(ref) },
        },
        spec: {
          podSelector,
          policyTypes: direction === 'both' ? ['Ingress', 'Egress'] : direction === 'ingress' ? ['Ingress'] : ['Egress'],
          ...(direction !== 'egress' ? { ingress: allowed.length ? [{ _from: allowed }] : [] } : {}),
          ...(direction !== 'ingress' ? { egress: allowed.length ? [{ to: allowed }] : [] } : {}),
        },
      };
      // Policy first: a labelled pod without its policy would be harmless, the reverse would miss the pod.
      try {
        await api.call({ verb: 'create', group: 'networking.k8s.io', resource: 'networkpolicies', namespace: ref.namespace }, ctx, (o) =>
          api.networking.createNamespacedNetworkPolicy({ namespace: ref.namespace, body }, o));
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        const existing = await api.call({ verb: 'get', group: 'networking.k8s.io', resource: 'networkpolicies', namespace: ref.namespace, name: policy }, ctx, (o) =>
          api.networking.readNamespacedNetworkPolicy({ namespace: ref.namespace, name: policy }, o));
        if (existing.metadata?.labels?.[RUN_LABEL] !== ctx.runId) {
          throw new ProviderError(`NetworkPolicy ${ref.namespace}/${policy} exists but does not belong to run ${ctx.runId}`, { hint: 'delete the stray policy, then retry' });
        }
      }
      if (podLabel) {
        const done = await api.find({ verb: 'patch', group: '', resource: 'pods', namespace: ref.namespace, name: ref.name }, ctx, (o) =>
          api.core.patchNamespacedPod({ namespace: ref.namespace, name: ref.name, body: { metadata: { labels: { [podLabel]: 'true' } } } }, o), { contentType: MERGE_PATCH });
        if (!done) throw new ProviderError(`pod ${ref.namespace}/${ref.name} no longer exists; nothing to partition`, { hint: 'run `faultline plan` again; pods change often, prefer a Deployment target' });
      }
      ctx.log.info({ runId: ctx.runId, targetId: target.id, policy, direction }, 'network partitioned');
      return { namespace: ref.namespace, policy, podLabel };
    },
    async revert(target: Target, _undo: NetworkPartitionUndo | undefined, ctx: FaultContext): Promise<void> {
      const ref = refOf(target, { faultType: TYPE, kinds: ['Pod', 'Deployment', 'StatefulSet'], allowKubeSystem: deps.allowKubeSystem });
      const api = deps.api().as(TYPE);
      const policy = policyName(ctx.runId, ctx.faultName, target.id);
      await api.find({ verb: 'delete', group: 'networking.k8s.io', resource: 'networkpolicies', namespace: ref.namespace, name: policy }, ctx, (o) =>
        api.networking.deleteNamespacedNetworkPolicy({ namespace: ref.namespace, name: policy }, o));
      if (ref.kind === 'Pod') {
        const podLabel = partitionLabel(policy);
        await api.find({ verb: 'patch', group: '', resource: 'pods', namespace: ref.namespace, name: ref.name }, ctx, (o) =>
          api.core.patchNamespacedPod({ namespace: ref.namespace, name: ref.name, body: { metadata: { labels: { [podLabel]: null } } } }, o), { contentType: MERGE_PATCH });
      }
      ctx.log.info({ runId: ctx.runId, targetId: target.id, policy }, 'network partition removed');
    },
  };
}

async function workloadSelector(api: KubeCaller, ref: KubeRef, ctx: CallContext): Promise<V1LabelSelector> {
  const { namespace, name } = ref;
  const obj = ref.kind === 'Deployment'
    ? await api.find({ verb: 'get', group: 'apps', resource: 'deployments', namespace, name }, ctx, (o) => api.apps.readNamespacedDeployment({ namespace, name }, o))
    : await api.find({ verb: 'get', group: 'apps', resource: 'statefulsets', namespace, name }, ctx, (o) => api.apps.readNamespacedStatefulSet({ namespace, name }, o));
  const sel = obj?.spec?.selector;
  if (!obj || !sel) throw new ProviderError(`${ref.kind} ${namespace}/${name} no longer exists; nothing to partition`, { hint: 'run `faultline plan` again' });
  return { ...(sel.matchLabels ? { matchLabels: sel.matchLabels } : {}), ...(sel.matchExpressions ? { matchExpressions: sel.matchExpressions } : {}) };
}

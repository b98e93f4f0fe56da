import type { CallContext, FaultContext, FaultProvider, Json, Orphan, OrphanSweeper, Target } from '@faultline/core';
import type { KubeDeps } from '../shared/deps.js';
import { FAULT_ANNOTATION, readState, RUN_LABEL, stateAnnotation, TARGET_ANNOTATION, type StatefulFault } from '../shared/annotations.js';
import { toTarget, type KubeKind, type KubeRef } from '../shared/target-ref.js';
import { BACKUP_OF_ANNOTATION } from '../cert-expiry/cert-expiry.js';

interface Meta {
  name?: string;
  namespace?: string;
  uid?: string;
  labels?: { [k: string]: string };
  annotations?: { [k: string]: string };
}

/** The fault providers the sweeper reverts through, by type. */
export type FaultsByType = Readonly<Record<string, FaultProvider<any, any>>>;

/**
 * Finds everything Faultline left in the namespaces of the given targets: objects still carrying a fault's
 * state annotation (scale, config-flip, cert-expiry), backup Secrets and NetworkPolicies, all found by the
 * faultline.dev/run label. Each Orphan carries its runId; the engine decides which runs are over.
 * `remove` runs the owning fault's revert, so the same safety checks apply (someone else's change is left).
 */
export function kubernetesSweeper(deps: KubeDeps, faults: FaultsByType): OrphanSweeper {
  return {
    kind: 'kubernetes',
    async find(targets: readonly Target[], ctx: CallContext): Promise<Orphan[]> {
      const namespaces = [...new Set(targets.filter((t) => t.kind === 'kubernetes' && t.namespace).map((t) => t.namespace as string))].sort();
      const api = deps.api().as('sweeper');
      const labelSelector = RUN_LABEL;
      const orphans = new Map<string, Orphan>();
      const add = (o: { runId: string; faultName: string; type: string; ref: KubeRef; description: string }) => {
        const provider = faults[o.type];
        if (!provider) return;
        const key = `${o.type}|${o.runId}|${o.faultName}|${o.ref.kind}/${o.ref.namespace}/${o.ref.name}`;
        if (orphans.has(key)) return;
        const target = toTarget(o.ref, undefined, undefined);
        orphans.set(key, {
          kind: 'kubernetes', runId: o.runId, faultName: o.faultName, description: o.description,
          remove: (c: CallContext) => provider.revert(target, undefined, { ...c, runId: o.runId, faultName: o.faultName } satisfies FaultContext),
        });
      };
      const stateful = (meta: Meta | undefined, kind: KubeKind, apiVersion: string) => {
        for (const fault of Object.keys(stateAnnotation) as StatefulFault[]) {
          const s = readState(meta, fault);
          if (!s) continue;
          const ref: KubeRef = { apiVersion, kind, namespace: meta?.namespace as string, name: meta?.name as string, uid: meta?.uid ?? '' };
          add({ ...s, type: fault, ref, description: `${fault} on ${kind} ${ref.namespace}/${ref.name} (run ${s.runId}, fault ${s.faultName})` });
        }
      };
      for (const namespace of namespaces) {
        const [cms, secrets, deploys, sets, policies] = await Promise.all([
          api.call({ verb: 'list', group: '', resource: 'configmaps', namespace }, ctx, (o) => api.core.listNamespacedConfigMap({ namespace, labelSelector }, o)),
          api.call({ verb: 'list', group: '', resource: 'secrets', namespace }, ctx, (o) => api.core.listNamespacedSecret({ namespace, labelSelector }, o)),
          api.call({ verb: 'list', group: 'apps', resource: 'deployments', namespace }, ctx, (o) => api.apps.listNamespacedDeployment({ namespace, labelSelector }, o)),
          api.call({ verb: 'list', group: 'apps', resource: 'statefulsets', namespace }, ctx, (o) => api.apps.listNamespacedStatefulSet({ namespace, labelSelector }, o)),
          api.call({ verb: 'list', group: 'networking.k8s.io', resource: 'networkpolicies', namespace }, ctx, (o) => api.networking.listNamespacedNetworkPolicy({ namespace, labelSelector }, o)),
        ]);
        for (const c of cms.items) stateful(c.metadata, 'ConfigMap', 'v1');
        for (const d of deploys.items) stateful(d.metadata, 'Deployment', 'apps/v1');
        for (const s of sets.items) stateful(s.metadata, 'StatefulSet', 'apps/v1');
        for (const s of secrets.items) {
          const meta = s.metadata;
          const backupOf = meta?.annotations?.[BACKUP_OF_ANNOTATION];
          if (backupOf === undefined) {
            stateful(meta, 'Secret', 'v1');
            continue;
          }
          const ref = parseRef(meta?.annotations?.[TARGET_ANNOTATION]) ?? { apiVersion: 'v1', kind: 'Secret' as const, namespace, name: backupOf, uid: '' };
          const runId = meta?.labels?.[RUN_LABEL] ?? '';
          const faultName = meta?.annotations?.[FAULT_ANNOTATION] ?? '';
          add({ runId, faultName, type: 'kubernetes.cert-expiry', ref, description: `backup Secret ${namespace}/${meta?.name} of ${backupOf} (run ${runId}, fault ${faultName})` });
        }
        for (const p of policies.items) {
          const meta = p.metadata;
          const ref = parseRef(meta?.annotations?.[TARGET_ANNOTATION]);
          if (!ref) continue;
          const runId = meta?.labels?.[RUN_LABEL] ?? '';
          const faultName = meta?.annotations?.[FAULT_ANNOTATION] ?? '';
          add({ runId, faultName, type: 'kubernetes.network-partition', ref, description: `NetworkPolicy ${namespace}/${meta?.name} (run ${runId}, fault ${faultName})` });
        }
      }
      return [...orphans.values()];
    },
  };
}

function parseRef(raw: string | undefined): KubeRef | undefined {
  if (!raw) return undefined;
  try {
    const r = JSON.parse(raw) as { [k: string]: Json };
    if (typeof r['name'] !== 'string' || typeof r['namespace'] !== 'string' || typeof r['kind'] !== 'string') return undefined;
    return { apiVersion: String(r['apiVersion'] ?? 'v1'), kind: r['kind'] as KubeKind, namespace: r['namespace'], name: r['name'], uid: String(r['uid'] ?? '') };
  } catch {
    // Not ours to interpret: a policy with a foreign annotation is skipped rather than guessed at.
    return undefined;
  }
}

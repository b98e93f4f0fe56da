import { permissions, type PermissionRule, type PermissionSubject } from '@faultline/faults-kubernetes/permissions';
import type { KubeObject } from './kube-object.js';
import { shortFaultName } from './fault-selection.js';

const RBAC_API = 'rbac.authorization.k8s.io/v1';
const rbacLabels = { 'app.kubernetes.io/part-of': 'faultline' } as const;

export interface RbacOptions {
  /** Which parts to grant (from resolveFaultSelection). */
  readonly subjects: readonly PermissionSubject[];
  /** Namespace of the controller's ServiceAccount. */
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Namespaces experiments may touch: each gets a RoleBinding per subject. */
  readonly targetNamespaces: readonly string[];
}

/** Name of the ClusterRole (and its bindings) that grants one subject; matches deploy/kubernetes/rbac. */
export function roleName(subject: PermissionSubject): string {
  return `faultline-kubernetes-${shortFaultName(subject)}`;
}

function rules(rs: readonly PermissionRule[]) {
  return rs.map((r) => ({ apiGroups: [r.apiGroup], resources: [...r.resources], verbs: [...r.verbs] }));
}

/**
 * Least-privilege RBAC for one subject, straight from the provider's permission table: a ClusterRole with
 * the namespaced rules bound by a RoleBinding in each target namespace (so the grant stops at those
 * namespaces), and for cluster-scoped reads a ClusterRole + ClusterRoleBinding.
 */
export function rbacForSubject(subject: PermissionSubject, opts: Omit<RbacOptions, 'subjects'>): KubeObject[] {
  const name = roleName(subject);
  const sa = [{ kind: 'ServiceAccount', name: opts.serviceAccount, namespace: opts.namespace }];
  const namespaced = permissions[subject].filter((r) => r.scope === 'namespace');
  const cluster = permissions[subject].filter((r) => r.scope === 'cluster');
  const out: KubeObject[] = [];
  if (namespaced.length) {
    out.push({ apiVersion: RBAC_API, kind: 'ClusterRole', metadata: { name, labels: rbacLabels }, rules: rules(namespaced) });
    for (const ns of opts.targetNamespaces) {
      out.push({
        apiVersion: RBAC_API, kind: 'RoleBinding', metadata: { name, namespace: ns, labels: rbacLabels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name }, subjects: sa,
      });
    }
  }
  if (cluster.length) {
    out.push({ apiVersion: RBAC_API, kind: 'ClusterRole', metadata: { name: `${name}-cluster`, labels: rbacLabels }, rules: rules(cluster) });
    out.push({
      apiVersion: RBAC_API, kind: 'ClusterRoleBinding', metadata: { name: `${name}-cluster`, labels: rbacLabels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${name}-cluster` }, subjects: sa,
    });
  }
  return out;
}

/** RBAC for every selected subject, in the table's order. */
export function rbacObjects(opts: RbacOptions): KubeObject[] {
  return opts.subjects.flatMap((s) => rbacForSubject(s, opts));
}

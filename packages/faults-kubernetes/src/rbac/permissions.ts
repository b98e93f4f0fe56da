/** A Kubernetes RBAC verb. */
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

/** One rule: these verbs on these resources of one API group. */
export interface PermissionRule {
  /** '' is the core group. */
  readonly apiGroup: '' | 'apps' | 'networking.k8s.io';
  readonly resources: readonly string[];
  readonly verbs: readonly Verb[];
  /** `cluster` rules (namespaces) need a ClusterRoleBinding; `namespace` rules a RoleBinding per target namespace. */
  readonly scope: 'namespace' | 'cluster';
}

/** Who makes requests: every fault type, the target resolver, the probe and the orphan sweeper. */
export const permissionSubjects = [
  'resolver', 'probe', 'sweeper',
  'kubernetes.pod-kill', 'kubernetes.scale', 'kubernetes.config-flip', 'kubernetes.cert-expiry', 'kubernetes.network-partition',
  'kubernetes.pod-latency', 'kubernetes.pod-packet-loss', 'kubernetes.pod-partition', 'kubernetes.pod-bandwidth',
] as const;
export type PermissionSubject = (typeof permissionSubjects)[number];

const workloads = ['deployments', 'statefulsets'] as const;

/**
 * Pod network faults: read the target pod (node, container ids) in its namespace, and list the agent
 * DaemonSet's pods in the agent namespace (bind this role there too) to find the node's agent. The
 * faults themselves go to the agents over mTLS, not through the API.
 */
const podNetwork: readonly PermissionRule[] = [{ apiGroup: '', resources: ['pods'], verbs: ['get', 'list'], scope: 'namespace' }];

/**
 * The exact API access each part of the provider uses. The RBAC manifests in deploy/kubernetes/rbac are
 * rendered from this table, and a test records every request made against the API stand-in and checks it
 * is listed here, so code and table cannot drift apart.
 */
export const permissions: Readonly<Record<PermissionSubject, readonly PermissionRule[]>> = {
  resolver: [
    { apiGroup: '', resources: ['namespaces'], verbs: ['get'], scope: 'cluster' },
    { apiGroup: '', resources: ['pods', 'configmaps', 'secrets'], verbs: ['get', 'list'], scope: 'namespace' },
    { apiGroup: 'apps', resources: workloads, verbs: ['get', 'list'], scope: 'namespace' },
  ],
  probe: [
    { apiGroup: '', resources: ['pods'], verbs: ['list'], scope: 'namespace' },
    { apiGroup: 'apps', resources: workloads, verbs: ['get'], scope: 'namespace' },
  ],
  sweeper: [
    { apiGroup: '', resources: ['configmaps', 'secrets'], verbs: ['list'], scope: 'namespace' },
    { apiGroup: 'apps', resources: workloads, verbs: ['list'], scope: 'namespace' },
    { apiGroup: 'networking.k8s.io', resources: ['networkpolicies'], verbs: ['list'], scope: 'namespace' },
  ],
  'kubernetes.pod-kill': [
    { apiGroup: '', resources: ['pods'], verbs: ['delete'], scope: 'namespace' },
  ],
  'kubernetes.scale': [
    { apiGroup: 'apps', resources: workloads, verbs: ['get', 'patch'], scope: 'namespace' },
  ],
  'kubernetes.config-flip': [
    { apiGroup: '', resources: ['configmaps'], verbs: ['get', 'patch'], scope: 'namespace' },
    { apiGroup: 'apps', resources: workloads, verbs: ['get', 'list', 'patch'], scope: 'namespace' },
  ],
  'kubernetes.cert-expiry': [
    { apiGroup: '', resources: ['secrets'], verbs: ['get', 'create', 'patch', 'delete'], scope: 'namespace' },
    { apiGroup: 'apps', resources: workloads, verbs: ['list', 'patch'], scope: 'namespace' },
  ],
  'kubernetes.network-partition': [
    { apiGroup: 'networking.k8s.io', resources: ['networkpolicies'], verbs: ['get', 'create', 'delete'], scope: 'namespace' },
    { apiGroup: '', resources: ['pods'], verbs: ['get', 'patch'], scope: 'namespace' },
    { apiGroup: 'apps', resources: workloads, verbs: ['get'], scope: 'namespace' },
  ],
  'kubernetes.pod-latency': podNetwork,
  'kubernetes.pod-packet-loss': podNetwork,
  'kubernetes.pod-partition': podNetwork,
  'kubernetes.pod-bandwidth': podNetwork,
};

/** The manifest file (in deploy/kubernetes/rbac) that grants what a subject needs. */
export function rbacFile(subject: PermissionSubject): string {
  return `deploy/kubernetes/rbac/${subject.replace(/^kubernetes\./, '')}.yaml`;
}

/** True when `subject` may use `verb` on `resource` of `apiGroup` according to the table. */
export function isPermitted(subject: PermissionSubject, apiGroup: string, resource: string, verb: string): boolean {
  return permissions[subject].some((r) => r.apiGroup === apiGroup && r.resources.includes(resource) && (r.verbs as readonly string[]).includes(verb));
}

function yamlList(items: readonly string[]): string {
  return `[${items.map((i) => JSON.stringify(i)).join(', ')}]`;
}

function rulesYaml(rules: readonly PermissionRule[]): string {
  return rules
    .map((r) => `  - apiGroups: ${yamlList([r.apiGroup])}\n    resources: ${yamlList(r.resources)}\n    verbs: ${yamlList(r.verbs)}`)
    .join('\n');
}

/**
 * Renders least-privilege RBAC for one subject: a ClusterRole with the namespaced rules (bind it with a
 * RoleBinding in each namespace experiments may touch) and, when needed, a ClusterRole for cluster-scoped
 * reads (bind with a ClusterRoleBinding).
 */
export function renderRbacYaml(subject: PermissionSubject, opts: { serviceAccount?: string; serviceAccountNamespace?: string } = {}): string {
  const sa = opts.serviceAccount ?? 'faultline';
  const saNs = opts.serviceAccountNamespace ?? 'faultline';
  const short = subject.replace(/^kubernetes\./, '');
  const name = `faultline-kubernetes-${short}`;
  const ns = permissions[subject].filter((r) => r.scope === 'namespace');
  const cluster = permissions[subject].filter((r) => r.scope === 'cluster');
  const docs: string[] = [
    [
      `# Generated from packages/faults-kubernetes/src/rbac/permissions.ts (${subject}); do not edit by hand.`,
      '# Regenerate: npx tsx packages/faults-kubernetes/scripts/generate-rbac.ts',
      `# Bind the namespaced role in every namespace experiments may touch, e.g.:`,
      `#   kubectl -n shop create rolebinding ${name} --clusterrole=${name} --serviceaccount=${saNs}:${sa}`,
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: ClusterRole',
      'metadata:',
      `  name: ${name}`,
      '  labels:',
      '    app.kubernetes.io/part-of: faultline',
      'rules:',
      rulesYaml(ns),
    ].join('\n'),
  ];
  if (cluster.length) {
    docs.push([
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: ClusterRole',
      'metadata:',
      `  name: ${name}-cluster`,
      '  labels:',
      '    app.kubernetes.io/part-of: faultline',
      'rules:',
      rulesYaml(cluster),
      '---',
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: ClusterRoleBinding',
      'metadata:',
      `  name: ${name}-cluster`,
      '  labels:',
      '    app.kubernetes.io/part-of: faultline',
      'roleRef:',
      '  apiGroup: rbac.authorization.k8s.io',
      '  kind: ClusterRole',
      `  name: ${name}-cluster`,
      'subjects:',
      '  - kind: ServiceAccount',
      `    name: ${sa}`,
      `    namespace: ${saNs}`,
    ].join('\n'));
  }
  return docs.join('\n---\n') + '\n';
}

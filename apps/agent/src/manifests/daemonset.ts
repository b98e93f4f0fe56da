/** Kubernetes objects for the node agent: plain JSON-able objects (JSON is YAML, so kubectl takes them as files). */
export interface AgentManifestOptions {
  readonly namespace: string;
  readonly image: string;
  /** The Secret with ca.crt, tls.crt, tls.key (from `faultline-agent pki`). */
  readonly tlsSecret?: string;
  readonly port?: number;
  readonly journalHostPath?: string;
  /** Node selector for the nodes experiments may touch (default: every Linux node). */
  readonly nodeSelector?: Record<string, string>;
}

const LABELS = { 'app.kubernetes.io/name': 'faultline-agent', 'app.kubernetes.io/part-of': 'faultline' };

/**
 * ServiceAccount (no token mounted, no RBAC: the agent never calls the Kubernetes API; the controller
 * resolves pods and sends container ids), DaemonSet and a headless Service the controller dials per
 * node through the pod IP. Privileges, each for one reason:
 * - hostPID: find containers by /proc/PID/cgroup and enter /proc/PID/ns/net;
 * - NET_ADMIN: iptables and tc inside pod namespaces; SYS_ADMIN: setns(2) into them;
 * - SYS_PTRACE: read other processes' /proc/PID/ns links; SETGID: the latency proxy's group (owner
 *   match); SYS_NICE: its raised priority; runAsUser 0 for all of the above.
 * - hostPath journal: survives agent restarts, so a restarted agent reverts what it had applied.
 * Not privileged, no host network: the agent listens on the pod network only.
 */
export function agentManifests(opts: AgentManifestOptions): object[] {
  const port = opts.port ?? 9443;
  const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'faultline-agent', namespace: opts.namespace, labels: LABELS }, automountServiceAccountToken: false };
  const daemonSet = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'faultline-agent', namespace: opts.namespace, labels: LABELS },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': 'faultline-agent' } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels: LABELS },
        spec: {
          serviceAccountName: 'faultline-agent',
          automountServiceAccountToken: false,
          hostPID: true,
          nodeSelector: { 'kubernetes.io/os': 'linux', ...(opts.nodeSelector ?? {}) },
          tolerations: [{ operator: 'Exists' }],
          // SIGTERM reverts every fault before exit; give it time.
          terminationGracePeriodSeconds: 60,
          priorityClassName: 'system-node-critical',
          containers: [{
            name: 'agent',
            image: opts.image,
            command: ['faultline-agent', 'serve', '--listen', `0.0.0.0:${port}`, '--tls-dir', '/etc/faultline-agent/tls', '--journal', '/var/lib/faultline-agent', '--sweep', 'all'],
            ports: [{ name: 'agent', containerPort: port, protocol: 'TCP' }],
            securityContext: {
              runAsUser: 0, runAsNonRoot: false, privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'SYS_ADMIN', 'SYS_PTRACE', 'SETGID', 'SETUID', 'SYS_NICE'] },
            },
            resources: { requests: { cpu: '50m', memory: '96Mi' }, limits: { memory: '2Gi' } },
            readinessProbe: { tcpSocket: { port }, periodSeconds: 10 },
            volumeMounts: [
              { name: 'journal', mountPath: '/var/lib/faultline-agent' },
              { name: 'tls', mountPath: '/etc/faultline-agent/tls', readOnly: true },
              { name: 'xtables-lock', mountPath: '/run/xtables.lock' },
            ],
          }],
          volumes: [
            { name: 'journal', hostPath: { path: opts.journalHostPath ?? '/var/lib/faultline-agent', type: 'DirectoryOrCreate' } },
            { name: 'tls', secret: { secretName: opts.tlsSecret ?? 'faultline-agent-tls', defaultMode: 0o400 } },
            // Share the node's iptables lock with kube-proxy / the CNI.
            { name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } },
          ],
        },
      },
    },
  };
  const service = {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'faultline-agent', namespace: opts.namespace, labels: LABELS },
    spec: { clusterIP: 'None', selector: { 'app.kubernetes.io/name': 'faultline-agent' }, ports: [{ name: 'agent', port, targetPort: port }] },
  };
  // Only the controller may reach the agents.
  const policy = {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'faultline-agent', namespace: opts.namespace, labels: LABELS },
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'faultline-agent' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'faultline' } } }], ports: [{ port, protocol: 'TCP' }] }],
    },
  };
  return [sa, daemonSet, service, policy];
}

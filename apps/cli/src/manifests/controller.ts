import { API_ACCESS_LABEL, commonLabels, names, selectorLabels, TARGET_LABEL, type KubeObject } from './kube-object.js';

/** Where the controller keeps its state inside the container (a volume: the root filesystem is read-only). */
export const STATE_DIR = '/var/lib/faultline';
export const API_PORT = 8080;

export interface ControllerManifestOptions {
  readonly namespace: string;
  readonly store: 'sqlite' | 'postgres';
  readonly replicas: number;
  readonly image: string;
  /** Enable the Kubernetes provider (`--kubernetes`) and mount the ServiceAccount token. */
  readonly kubernetes: boolean;
  /** `--allow-host` values: hosts probes and Toxiproxy APIs may reach. */
  readonly allowHosts: readonly string[];
  /** CIDRs the controller may reach besides namespaces labelled faultline.dev/target=true. */
  readonly egressCidrs: readonly string[];
  /** Where the Kubernetes API server lives (for the egress rule); 0.0.0.0/0 when unknown. */
  readonly apiServerCidr: string;
  /** Size of the PersistentVolumeClaim for the embedded store. */
  readonly storageSize: string;
}

const meta = (name: string, namespace: string) => ({ name, namespace, labels: commonLabels });

export function namespaceObject(namespace: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'app.kubernetes.io/part-of': 'faultline' } } };
}

export function serviceAccount(o: ControllerManifestOptions): KubeObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(names.serviceAccount, o.namespace), automountServiceAccountToken: false };
}

export function service(o: ControllerManifestOptions): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Service', metadata: meta(names.service, o.namespace),
    spec: { type: 'ClusterIP', selector: selectorLabels, ports: [{ name: 'http', port: API_PORT, targetPort: 'http', protocol: 'TCP' }] },
  };
}

export function dataClaim(o: ControllerManifestOptions): KubeObject {
  return {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta(names.dataClaim, o.namespace),
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: o.storageSize } } },
  };
}

function databaseEnv(o: ControllerManifestOptions) {
  return o.store === 'postgres'
    ? { name: 'FAULTLINE_DATABASE', valueFrom: { secretKeyRef: { name: names.databaseSecret, key: 'url' } } }
    : { name: 'FAULTLINE_DATABASE', value: `${STATE_DIR}/faultline.db` };
}

function probe(path: string, periodSeconds: number, failureThreshold: number) {
  return { httpGet: { path, port: 'http' }, periodSeconds, timeoutSeconds: 3, failureThreshold };
}

export function deployment(o: ControllerManifestOptions): KubeObject {
  const args = ['server', '--host', '0.0.0.0', '--port', String(API_PORT)];
  if (o.kubernetes) args.push('--kubernetes');
  if (o.allowHosts.length) args.push('--allow-host', ...o.allowHosts);
  const ha = o.store === 'postgres';
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta(names.deployment, o.namespace),
    spec: {
      replicas: o.replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels },
      // One SQLite file must never be open in two pods: the old pod stops (reverting its runs) first.
      strategy: ha ? { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } } : { type: 'Recreate' },
      template: {
        metadata: { labels: commonLabels },
        spec: {
          serviceAccountName: names.serviceAccount,
          automountServiceAccountToken: o.kubernetes,
          // SIGTERM aborts active runs and reverts their faults before exiting: give reverts time.
          terminationGracePeriodSeconds: 120,
          securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
          ...(ha
            ? { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selectorLabels } } }] } } }
            : {}),
          containers: [{
            name: 'controller',
            image: o.image,
            imagePullPolicy: 'IfNotPresent',
            args,
            env: [databaseEnv(o), { name: 'FAULTLINE_STATE_DIR', value: STATE_DIR }],
            ports: [{ name: 'http', containerPort: API_PORT, protocol: 'TCP' }],
            // Start-up first reverts whatever a previous process left behind; that may take minutes.
            startupProbe: probe('/healthz', 5, 60),
            livenessProbe: probe('/healthz', 10, 3),
            readinessProbe: probe('/readyz', 5, 2),
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
            volumeMounts: [{ name: 'data', mountPath: STATE_DIR }, { name: 'tmp', mountPath: '/tmp' }],
          }],
          volumes: [
            ha ? { name: 'data', emptyDir: { sizeLimit: '256Mi' } } : { name: 'data', persistentVolumeClaim: { claimName: names.dataClaim } },
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
          ],
        },
      },
    },
  };
}

export function podDisruptionBudget(o: ControllerManifestOptions): KubeObject {
  // One at a time: a drained pod reverts its runs; with PostgreSQL another replica takes the scheduler lease.
  return {
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta(names.podDisruptionBudget, o.namespace),
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels } },
  };
}

export function networkPolicy(o: ControllerManifestOptions): KubeObject {
  const tcp = (port: number) => ({ protocol: 'TCP', port });
  const egress: unknown[] = [
    {
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ protocol: 'UDP', port: 53 }, tcp(53)],
    },
  ];
  if (o.kubernetes) egress.push({ to: [{ ipBlock: { cidr: o.apiServerCidr } }], ports: [tcp(443), tcp(6443)] });
  if (o.store === 'postgres') egress.push({ ports: [tcp(5432)] });
  egress.push({ to: [{ namespaceSelector: { matchLabels: { [TARGET_LABEL]: 'true' } } }, ...o.egressCidrs.map((cidr) => ({ ipBlock: { cidr } }))] });
  return {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(names.networkPolicy, o.namespace),
    spec: {
      podSelector: { matchLabels: selectorLabels },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{
        from: [
          { namespaceSelector: { matchLabels: { [API_ACCESS_LABEL]: 'true' } } },
          { podSelector: { matchLabels: { [API_ACCESS_LABEL]: 'true' } } },
        ],
        ports: [tcp(API_PORT)],
      }],
      egress,
    },
  };
}

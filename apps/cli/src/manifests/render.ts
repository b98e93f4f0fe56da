import { UsageError } from '@faultline/core';
import { names, type KubeObject } from './kube-object.js';
import { dataClaim, deployment, namespaceObject, networkPolicy, podDisruptionBudget, service, serviceAccount, type ControllerManifestOptions } from './controller.js';
import { resolveFaultSelection, shortFaultName } from './fault-selection.js';
import { rbacObjects } from './rbac.js';
import { toYamlStream } from './to-yaml.js';
import { DEFAULT_IMAGE } from './default-image.js';

export { DEFAULT_IMAGE };

export interface ManifestOptions {
  /** Kubernetes fault types to grant (`pod-kill` or `kubernetes.pod-kill`, comma lists allowed, or `all`). */
  readonly faults: readonly string[];
  /** Namespace the controller runs in. */
  readonly namespace: string;
  /** `sqlite`: one replica, embedded store on a PersistentVolumeClaim; `postgres`: URL from a Secret, replicas share the scheduler lease. */
  readonly store: 'sqlite' | 'postgres';
  /** Default 1 with sqlite (the only valid value), 3 with postgres. */
  readonly replicas?: number;
  readonly image?: string;
  /** Namespaces experiments may touch; fault roles are bound only there. Default: the controller's namespace. */
  readonly targetNamespaces?: readonly string[];
  /** Hosts probes and Toxiproxy APIs in experiments may reach (`--allow-host`). */
  readonly allowHosts?: readonly string[];
  /** Extra egress destinations (CIDRs) besides namespaces labelled faultline.dev/target=true. */
  readonly egressCidrs?: readonly string[];
  /** The API server's address range for the egress rule (default 0.0.0.0/0, ports 443/6443 only). */
  readonly apiServerCidr?: string;
  /** PersistentVolumeClaim size for the embedded store (default 1Gi). */
  readonly storageSize?: string;
  /** Also emit the Namespace object (default true). */
  readonly createNamespace?: boolean;
}

const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function checkName(what: string, value: string): void {
  if (value.length > 63 || !dns1123.test(value)) {
    throw new UsageError(`${what} "${value}" is not a valid Kubernetes namespace name`, { hint: 'use lower-case letters, digits and "-", at most 63 characters, e.g. chaos' });
  }
}

function checkCidr(what: string, value: string): void {
  if (!/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/.test(value) && !/^[0-9a-f:]+\/\d{1,3}$/i.test(value)) {
    throw new UsageError(`${what} "${value}" is not a CIDR`, { hint: 'write it like 10.0.0.0/8 or fd00::/8' });
  }
}

/** Validates and fills in defaults; throws UsageError naming the option and how to fix it. */
export function normalizeManifestOptions(opts: ManifestOptions): ControllerManifestOptions & { targetNamespaces: readonly string[]; createNamespace: boolean } {
  checkName('--namespace', opts.namespace);
  const targetNamespaces = [...new Set(opts.targetNamespaces?.length ? opts.targetNamespaces : [opts.namespace])];
  for (const ns of targetNamespaces) checkName('--target-namespace', ns);
  const replicas = opts.replicas ?? (opts.store === 'postgres' ? 3 : 1);
  if (!Number.isInteger(replicas) || replicas < 1) throw new UsageError(`--replicas must be a whole number of at least 1, got ${replicas}`);
  if (opts.store === 'sqlite' && replicas !== 1) {
    throw new UsageError(`--replicas ${replicas} needs a shared store: the embedded SQLite store serves one replica`, { hint: 'add --store postgres (the URL comes from the Secret faultline-database, key url)' });
  }
  const egressCidrs = opts.egressCidrs ?? [];
  for (const c of egressCidrs) checkCidr('--egress-cidr', c);
  const apiServerCidr = opts.apiServerCidr ?? '0.0.0.0/0';
  checkCidr('--api-server-cidr', apiServerCidr);
  return {
    namespace: opts.namespace, store: opts.store, replicas, image: opts.image ?? DEFAULT_IMAGE,
    kubernetes: false, allowHosts: opts.allowHosts ?? [], egressCidrs, apiServerCidr,
    storageSize: opts.storageSize ?? '1Gi', targetNamespaces, createNamespace: opts.createNamespace ?? true,
  };
}

/**
 * Every object for a controller tailored to a selection of fault types, in apply order. RBAC comes from
 * the Kubernetes provider's permission table, so it grants exactly what the selected faults call.
 */
export function manifestObjects(opts: ManifestOptions): KubeObject[] {
  const subjects = resolveFaultSelection(opts.faults);
  const o = { ...normalizeManifestOptions(opts), kubernetes: subjects.length > 0 };
  return [
    ...(o.createNamespace ? [namespaceObject(o.namespace)] : []),
    serviceAccount(o),
    ...rbacObjects({ subjects, namespace: o.namespace, serviceAccount: names.serviceAccount, targetNamespaces: o.targetNamespaces }),
    ...(o.store === 'sqlite' ? [dataClaim(o)] : []),
    service(o),
    deployment(o),
    podDisruptionBudget(o),
    networkPolicy(o),
  ];
}

/** Multi-document YAML with a header saying what was selected and what to do next. */
export function renderManifests(opts: ManifestOptions): string {
  const objects = manifestObjects(opts);
  const subjects = resolveFaultSelection(opts.faults);
  const o = normalizeManifestOptions(opts);
  const faults = subjects.filter((s) => s.startsWith('kubernetes.')).map(shortFaultName);
  const header = [
    '# Generated by `faultline manifests`; RBAC derived from the Kubernetes provider\'s permission table.',
    `# Fault types: ${faults.length ? faults.join(', ') : 'none (no Kubernetes access)'}; roles bound in: ${o.targetNamespaces.join(', ')}.`,
    `# Store: ${o.store === 'postgres' ? `PostgreSQL, URL in Secret ${names.databaseSecret} (key url): kubectl -n ${o.namespace} create secret generic ${names.databaseSecret} --from-literal=url=postgres://...` : 'embedded SQLite on a PersistentVolumeClaim'}.`,
    `# API access: label client namespaces or pods faultline.dev/api-access=true; probe targets: label their namespaces faultline.dev/target=true.`,
  ].join('\n');
  return `${header}\n${toYamlStream(objects)}`;
}

// Validates Kubernetes objects offline: the OpenAPI schema of each kind (compiled validators shipped by
// the kubernetes-models package) plus a strict unknown-field check like `kubectl apply --validate=strict`
// (field names from @kubernetes/client-node's model metadata). Test support only.
import * as k8s from '@kubernetes/client-node';
import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

export interface KubeDoc { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [k: string]: unknown }

type AttributeMap = ReadonlyArray<{ name: string; baseName: string; type: string }>;
const models = k8s as unknown as Record<string, { attributeTypeMap?: AttributeMap } | undefined>;

function unknownFields(value: unknown, type: string, path: string, out: string[]): void {
  if (value === null || value === undefined) return;
  const arr = /^Array<(.+)>$/.exec(type);
  if (arr) {
    if (Array.isArray(value)) value.forEach((v, i) => unknownFields(v, arr[1]!, `${path}[${i}]`, out));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof value === 'object') for (const [k, v] of Object.entries(value)) unknownFields(v, map[1]!, `${path}.${k}`, out);
    return;
  }
  const attrs = models[type]?.attributeTypeMap;
  if (!attrs || typeof value !== 'object' || Array.isArray(value)) return;
  for (const [key, v] of Object.entries(value)) {
    const attr = attrs.find((a) => a.baseName === key);
    if (!attr) out.push(`${path}.${key}: unknown field (not in ${type})`);
    else unknownFields(v, attr.type, `${path}.${key}`, out);
  }
}

/** Every problem found in one object; [] when it is valid for its kind. */
export async function validateKubeObject(doc: KubeDoc): Promise<string[]> {
  const where = `${doc.kind}/${doc.metadata?.name ?? '?'}`;
  const errors: string[] = [];
  let Model: (new (data: unknown) => { validate(): void }) | undefined;
  try {
    const mod = (await import(/* @vite-ignore */ `kubernetes-models/${doc.apiVersion}/${doc.kind}`)) as Record<string, new (data: unknown) => { validate(): void }>;
    Model = mod[doc.kind];
  } catch {
    return [`${where}: no schema for ${doc.apiVersion} ${doc.kind} (unknown kind or apiVersion)`];
  }
  if (!Model) return [`${where}: kubernetes-models has no ${doc.kind} class`];
  try {
    new Model(structuredClone(doc)).validate();
  } catch (err) {
    const e = err as { errors?: Array<{ instancePath: string; message?: string }>; message: string };
    errors.push(...(e.errors ?? [{ instancePath: '', message: e.message }]).map((x) => `${where}${x.instancePath}: ${x.message ?? 'invalid'}`));
  }
  const version = doc.apiVersion.split('/').pop()!;
  const className = `${version[0]!.toUpperCase()}${version.slice(1)}${doc.kind}`;
  if (!models[className]?.attributeTypeMap) errors.push(`${where}: @kubernetes/client-node has no model ${className}`);
  else unknownFields(doc, className, where, errors);
  return errors;
}

/** Parses a multi-document YAML stream (comments and empty documents ignored); throws on YAML errors. */
export function parseKubeYaml(text: string, source: string): KubeDoc[] {
  return parseAllDocuments(text).flatMap((d) => {
    if (d.errors.length) throw new Error(`${source}: ${d.errors.map((e) => e.message).join('; ')}`);
    const js = d.toJS() as KubeDoc | null;
    return js ? [js] : [];
  });
}

/** Key that identifies an object in a cluster. */
export const objectKey = (d: KubeDoc) => `${d.apiVersion} ${d.kind} ${d.metadata.namespace ?? ''}/${d.metadata.name}`;

export const inCI = ['true', '1'].includes((process.env.CI ?? '').toLowerCase());

/** kubectl's path when it is installed (it is on dev machines and CI); undefined otherwise. */
export function findKubectl(): string | undefined {
  const candidate = process.env.KUBECTL ?? 'kubectl';
  try {
    execFileSync(candidate, ['version', '--client'], { stdio: 'ignore', timeout: 15_000 });
    return candidate;
  } catch {
    return undefined;
  }
}

/** `kubectl kustomize <dir>` with a timeout; throws with kubectl's stderr. */
export function kustomize(kubectl: string, dir: string): string {
  return execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** (apiGroup, resource, verb) triples a set of RBAC objects grants, sorted. */
export function grantedTriples(docs: readonly KubeDoc[]): string[] {
  const out = new Set<string>();
  for (const d of docs) {
    if (d.kind !== 'ClusterRole' && d.kind !== 'Role') continue;
    for (const r of (d.rules as Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>) ?? []) {
      for (const g of r.apiGroups) for (const res of r.resources) for (const v of r.verbs) out.add(`${g}|${res}|${v}`);
    }
  }
  return [...out].sort();
}

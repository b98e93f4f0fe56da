import { ProviderError, type Target } from '@faultline/core';

export const kubeKinds = ['Pod', 'Deployment', 'StatefulSet', 'ConfigMap', 'Secret'] as const;
export type KubeKind = (typeof kubeKinds)[number];

/** What a resolved Kubernetes target carries in `ref`: enough to find the object again in a fresh process. */
export interface KubeRef {
  readonly apiVersion: string;
  readonly kind: KubeKind;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

export const apiVersionOfKind = (kind: KubeKind): string => (kind === 'Deployment' || kind === 'StatefulSet' ? 'apps/v1' : 'v1');

/** `k8s:pod/shop/api-7f9c`, stable across resolutions of the same object name. */
export function targetId(kind: KubeKind, namespace: string, name: string): string {
  return `k8s:${kind.toLowerCase()}/${namespace}/${name}`;
}

/** Builds a Target for an object; namespace labels are merged under a `namespace:` prefix (see README). */
export function toTarget(ref: KubeRef, labels: Record<string, string> | undefined, namespaceLabels: Record<string, string> | undefined): Target {
  const merged: Record<string, string> = { ...(labels ?? {}) };
  for (const [k, v] of Object.entries(namespaceLabels ?? {})) merged[`namespace:${k}`] = v;
  return {
    id: targetId(ref.kind, ref.namespace, ref.name), kind: 'kubernetes', name: `${ref.namespace}/${ref.name}`, namespace: ref.namespace,
    labels: merged, ref: { ...ref },
  };
}

/**
 * Reads and checks a target's ref for a fault. Throws ProviderError (not retryable) when the target is not a
 * Kubernetes object of a kind the fault acts on, or sits in kube-system without allowKubeSystem.
 */
export function refOf(target: Target, opts: { faultType: string; kinds: readonly KubeKind[]; allowKubeSystem: boolean }): KubeRef {
  const ref = target.ref as Partial<KubeRef> | null;
  if (target.kind !== 'kubernetes' || !ref || typeof ref !== 'object' || typeof ref.name !== 'string' || typeof ref.namespace !== 'string' || typeof ref.kind !== 'string') {
    throw new ProviderError(`${opts.faultType} needs a kubernetes target, got ${target.kind} target ${target.name}`, { hint: 'point the fault at a target with a `kubernetes:` selector' });
  }
  if (!opts.kinds.includes(ref.kind as KubeKind)) {
    throw new ProviderError(`${opts.faultType} acts on ${opts.kinds.join(' or ')} targets, but ${target.name} is a ${ref.kind}`, {
      hint: `change the target selector's kind to ${opts.kinds.join(' or ')}`,
    });
  }
  assertNamespaceAllowed(ref.namespace, opts.allowKubeSystem, opts.faultType);
  return { apiVersion: ref.apiVersion ?? apiVersionOfKind(ref.kind as KubeKind), kind: ref.kind as KubeKind, namespace: ref.namespace, name: ref.name, uid: ref.uid ?? '' };
}

export function assertNamespaceAllowed(namespace: string, allowKubeSystem: boolean, who: string): void {
  if (namespace === 'kube-system' && !allowKubeSystem) {
    throw new ProviderError(`${who} refuses to touch namespace kube-system: faults there can take the whole cluster down`, {
      hint: 'if you really mean it, create the plugin with kubernetesPlugin({ allowKubeSystem: true }) and set blastRadius.allowKubeSystem',
    });
  }
}

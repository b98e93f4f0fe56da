import { Type, type Static } from '@sinclair/typebox';
import type { CallContext, Target, TargetResolver } from '@faultline/core';
import type { KubeCaller, RequestOptions } from '../client/kube-api.js';
import type { RequestInfo } from '../client/errors.js';
import type { KubeDeps } from '../shared/deps.js';
import { apiVersionOfKind, assertNamespaceAllowed, kubeKinds, toTarget, type KubeKind } from '../shared/target-ref.js';

export const kubernetesSelectorSchema = Type.Object(
  {
    kind: Type.Union(kubeKinds.map((k) => Type.Literal(k)), { description: 'Object kind to select' }),
    namespace: Type.String({ minLength: 1, description: 'Namespace to look in' }),
    name: Type.Optional(Type.String({ minLength: 1, description: 'One object by name' })),
    selector: Type.Optional(Type.String({ description: 'Label selector: app=checkout,tier in (web,api)' })),
    fieldSelector: Type.Optional(Type.String({ description: 'Field selector: status.phase=Running' })),
  },
  { additionalProperties: false },
);
export type KubernetesSelector = Static<typeof kubernetesSelectorSchema>;

const PAGE = 500;

interface Meta {
  name?: string;
  namespace?: string;
  uid?: string;
  labels?: { [k: string]: string };
  deletionTimestamp?: Date;
}
interface Listed {
  metadata?: Meta;
}
interface ListPage {
  items: Listed[];
  metadata?: { _continue?: string };
}

const resources: Record<KubeKind, { group: '' | 'apps'; resource: string }> = {
  Pod: { group: '', resource: 'pods' },
  ConfigMap: { group: '', resource: 'configmaps' },
  Secret: { group: '', resource: 'secrets' },
  Deployment: { group: 'apps', resource: 'deployments' },
  StatefulSet: { group: 'apps', resource: 'statefulsets' },
};

function lister(api: KubeCaller, kind: KubeKind) {
  return (p: { namespace: string; labelSelector?: string; fieldSelector?: string; limit: number; _continue?: string }, o: RequestOptions): Promise<ListPage> => {
    switch (kind) {
      case 'Pod':
        return api.core.listNamespacedPod(p, o);
      case 'ConfigMap':
        return api.core.listNamespacedConfigMap(p, o);
      case 'Secret':
        return api.core.listNamespacedSecret(p, o);
      case 'Deployment':
        return api.apps.listNamespacedDeployment(p, o);
      case 'StatefulSet':
        return api.apps.listNamespacedStatefulSet(p, o);
    }
  };
}

function getter(api: KubeCaller, kind: KubeKind) {
  return (p: { namespace: string; name: string }, o: RequestOptions): Promise<Listed> => {
    switch (kind) {
      case 'Pod':
        return api.core.readNamespacedPod(p, o);
      case 'ConfigMap':
        return api.core.readNamespacedConfigMap(p, o);
      case 'Secret':
        return api.core.readNamespacedSecret(p, o);
      case 'Deployment':
        return api.apps.readNamespacedDeployment(p, o);
      case 'StatefulSet':
        return api.apps.readNamespacedStatefulSet(p, o);
    }
  };
}

/**
 * Resolves `kubernetes:` selectors to objects. Terminating objects (deletionTimestamp set) are skipped: they
 * are already going away. Namespace labels are merged into target labels as `namespace:<key>`, so
 * `blastRadius.requireLabel: namespace:faultline.dev/enabled=true` demands a namespace opt-in.
 * Refuses kube-system unless the plugin allows it. No side effects.
 */
export function kubernetesResolver(deps: KubeDeps): TargetResolver<KubernetesSelector> {
  return {
    kind: 'kubernetes',
    selectorSchema: kubernetesSelectorSchema,
    async resolve(sel: KubernetesSelector, ctx: CallContext): Promise<Target[]> {
      assertNamespaceAllowed(sel.namespace, deps.allowKubeSystem, 'the kubernetes target resolver');
      const api = deps.api().as('resolver');
      const namespace = sel.namespace;
      const ns = await api.find({ verb: 'get', group: '', resource: 'namespaces', name: namespace }, ctx, (o) => api.core.readNamespace({ name: namespace }, o));
      if (!ns) return [];
      const { group, resource } = resources[sel.kind];
      let objects: Listed[];
      if (sel.name) {
        const info: RequestInfo = { verb: 'get', group, resource, namespace, name: sel.name };
        const one = await api.find(info, ctx, (o) => getter(api, sel.kind)({ namespace, name: sel.name as string }, o));
        objects = one ? [one] : [];
        const labelsOk = !sel.selector && !sel.fieldSelector;
        if (one && !labelsOk) {
          // name plus selectors: let the server apply them, as `kubectl get NAME -l ...` would.
          const fieldSelector = [`metadata.name=${sel.name}`, sel.fieldSelector].filter(Boolean).join(',');
          objects = await listAll(api, sel.kind, { namespace, fieldSelector, ...(sel.selector ? { labelSelector: sel.selector } : {}) }, ctx);
        }
      } else {
        objects = await listAll(api, sel.kind, {
          namespace, ...(sel.selector ? { labelSelector: sel.selector } : {}), ...(sel.fieldSelector ? { fieldSelector: sel.fieldSelector } : {}),
        }, ctx);
      }
      return objects
        .filter((o) => !o.metadata?.deletionTimestamp)
        .map((o) => toTarget(
          { apiVersion: apiVersionOfKind(sel.kind), kind: sel.kind, namespace, name: o.metadata?.name as string, uid: o.metadata?.uid ?? '' },
          o.metadata?.labels,
          ns.metadata?.labels,
        ));
    },
  };
}

async function listAll(api: KubeCaller, kind: KubeKind, q: { namespace: string; labelSelector?: string; fieldSelector?: string }, ctx: CallContext): Promise<Listed[]> {
  const { group, resource } = resources[kind];
  const out: Listed[] = [];
  let cont: string | undefined;
  do {
    const page = await api.call({ verb: 'list', group, resource, namespace: q.namespace }, ctx, (o) =>
      lister(api, kind)({ ...q, limit: PAGE, ...(cont ? { _continue: cont } : {}) }, o));
    out.push(...page.items);
    cont = page.metadata?._continue || undefined;
  } while (cont);
  return out;
}

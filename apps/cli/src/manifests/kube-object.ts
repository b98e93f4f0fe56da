/** The parts of a Kubernetes object the renderer relies on; everything else is plain JSON. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}

/** Labels every object carries; the controller's pods are selected by `selectorLabels`. */
export const selectorLabels = {
  'app.kubernetes.io/name': 'faultline',
  'app.kubernetes.io/component': 'controller',
} as const;

export const commonLabels = {
  ...selectorLabels,
  'app.kubernetes.io/part-of': 'faultline',
} as const;

/** Names of the objects, shared by the renderer, the kustomize tree in deploy/kubernetes and the docs. */
export const names = {
  serviceAccount: 'faultline',
  deployment: 'faultline-controller',
  service: 'faultline',
  networkPolicy: 'faultline-controller',
  podDisruptionBudget: 'faultline-controller',
  dataClaim: 'faultline-data',
  databaseSecret: 'faultline-database',
} as const;

/** Pods (or namespaces) with this label set to "true" may call the API. */
export const API_ACCESS_LABEL = 'faultline.dev/api-access';
/** Namespaces with this label set to "true" may be reached by probes and Toxiproxy API calls. */
export const TARGET_LABEL = 'faultline.dev/target';

import type { KubeApi } from '../client/kube-api.js';

/** What every fault, the resolver, the probe and the sweeper share; the API is created on first use. */
export interface KubeDeps {
  /** Lazily loads the kubeconfig, so a missing cluster only fails experiments that use Kubernetes. */
  readonly api: () => KubeApi;
  readonly allowKubeSystem: boolean;
}

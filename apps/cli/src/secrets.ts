import type { SecretResolver, SecretSource } from '@faultline/core';
import { defaultSecretResolver } from '@faultline/engine';

/**
 * Secret references for `run` and `recover`: env (the CLI's environment), file, and Kubernetes Secrets
 * through the same kubeconfig as the Kubernetes faults (loaded only when a kubernetes reference is used).
 */
export function cliSecretResolver(env: Readonly<Record<string, string | undefined>>, opts: { kubeconfig?: string; context?: string } = {}): SecretResolver {
  let kube: Promise<SecretSource> | undefined;
  const lazyKubernetes: SecretSource = {
    kind: 'kubernetes',
    async read(ref, signal) {
      kube ??= import('@faultline/faults-kubernetes').then((m) => m.kubernetesPlugin({
        ...(opts.kubeconfig ? { kubeconfigPath: opts.kubeconfig } : {}), ...(opts.context ? { context: opts.context } : {}),
      }).secretSource);
      return (await kube).read(ref, signal);
    },
  };
  return defaultSecretResolver([lazyKubernetes], env);
}

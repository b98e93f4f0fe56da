import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ProviderError } from '@faultline/core';

const SA_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Where the connection settings come from; reported in errors so people know which file to fix. */
export interface LoadedKubeConfig {
  readonly kubeConfig: KubeConfig;
  readonly source: string;
}

/**
 * Loads cluster access in this order: the explicit path, $KUBECONFIG, the in-cluster service account,
 * ~/.kube/config. Throws ProviderError (not retryable) when none is usable or the context does not exist.
 */
export function loadKubeConfig(opts: { kubeconfigPath?: string; context?: string; env?: NodeJS.ProcessEnv } = {}): LoadedKubeConfig {
  const env = opts.env ?? process.env;
  const kc = new KubeConfig();
  let source: string;
  try {
    if (opts.kubeconfigPath) {
      kc.loadFromFile(opts.kubeconfigPath);
      source = opts.kubeconfigPath;
    } else if (env['KUBECONFIG']) {
      kc.loadFromDefault();
      source = `$KUBECONFIG (${env['KUBECONFIG']})`;
    } else if (env['KUBERNETES_SERVICE_HOST'] && existsSync(SA_TOKEN)) {
      kc.loadFromCluster();
      source = 'in-cluster service account';
    } else {
      const file = join(homedir(), '.kube', 'config');
      if (!existsSync(file)) {
        throw new ProviderError('no Kubernetes configuration found: no kubeconfigPath given, $KUBECONFIG unset, not running in a cluster and ~/.kube/config missing', {
          hint: 'pass kubeconfigPath, set KUBECONFIG, or run inside a cluster with a service account',
        });
      }
      kc.loadFromFile(file);
      source = file;
    }
  } catch (err) {
    if (err instanceof ProviderError) throw err;
    throw new ProviderError(`could not load the Kubernetes configuration: ${(err as Error).message}`, { cause: err, hint: 'check that the kubeconfig file is valid YAML with clusters, users and contexts' });
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      throw new ProviderError(`Kubernetes context "${opts.context}" does not exist in ${source}; available: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'}`, {
        hint: 'pick one of the listed contexts (kubectl config get-contexts)',
      });
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new ProviderError(`the current Kubernetes context "${kc.getCurrentContext()}" in ${source} names no cluster`, { hint: 'set current-context or pass context' });
  }
  return { kubeConfig: kc, source };
}

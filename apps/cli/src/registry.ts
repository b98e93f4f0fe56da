import { createRegistry, type ProviderPlugin, type Registry } from '@faultline/core';
import { probesPlugin } from '@faultline/probes';
import { toxiproxyPlugin } from '@faultline/faults-toxiproxy';
import { httpPlugin } from '@faultline/faults-http';

export interface RegistryOptions {
  kubeconfig?: string;
  context?: string;
  /** Load the Kubernetes and Docker providers (they are loaded lazily: most game days need neither). */
  kinds?: readonly string[];
  /** Where FAULTLINE_AGENT_* (node agent mTLS and endpoints for the kubernetes.pod-* network faults) are read. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Every provider the CLI knows. Kubernetes and Docker load only when an experiment uses them, so that
 * a Toxiproxy game day starts fast and works on machines without a cluster or a Docker engine.
 */
export async function buildRegistry(opts: RegistryOptions = {}): Promise<Registry> {
  const plugins: ProviderPlugin[] = [toxiproxyPlugin(), probesPlugin(), httpPlugin()];
  const wants = (k: string) => opts.kinds === undefined || opts.kinds.includes(k);
  if (wants('kubernetes')) {
    const { kubernetesPlugin, agentOptionsFromEnv } = await import('@faultline/faults-kubernetes');
    plugins.push(kubernetesPlugin({
      ...(opts.kubeconfig ? { kubeconfigPath: opts.kubeconfig } : {}), ...(opts.context ? { context: opts.context } : {}), agents: agentOptionsFromEnv(opts.env ?? {}),
    }));
  }
  if (wants('docker')) {
    const { dockerPlugin } = await import('@faultline/faults-docker');
    plugins.push(dockerPlugin({}));
  }
  return createRegistry(plugins);
}

/** Which provider families a raw experiment text mentions (cheap look-ahead before full parsing). */
export function kindsMentioned(text: string): string[] {
  const kinds: string[] = [];
  if (/\bkubernetes\b/.test(text)) kinds.push('kubernetes');
  if (/\bdocker\b/.test(text)) kinds.push('docker');
  return kinds;
}

import type { ProviderPlugin, SecretSource } from '@faultline/core';
import { kubernetesSecretSource } from './secret-source/secret-source.js';
import { KubeApi } from './client/kube-api.js';
import { loadKubeConfig } from './client/kube-config.js';
import type { KubeDeps } from './shared/deps.js';
import { kubernetesResolver } from './target/resolver.js';
import { podKillFault } from './pod-kill/pod-kill.js';
import { scaleFault } from './scale/scale.js';
import { configFlipFault } from './config-flip/config-flip.js';
import { certExpiryFault } from './cert-expiry/cert-expiry.js';
import { networkPartitionFault } from './network-partition/network-partition.js';
import { podNetworkFaults } from './pod-network/pod-network-faults.js';
import type { AgentOptions } from './pod-network/agent-options.js';
import { kubernetesProbe } from './probe/kubernetes-probe.js';
import { kubernetesSweeper } from './sweeper/orphan-sweeper.js';

export interface KubernetesPluginOptions {
  /** Kubeconfig file; default $KUBECONFIG, then the in-cluster service account, then ~/.kube/config. */
  readonly kubeconfigPath?: string;
  /** Context in the kubeconfig; default its current-context. */
  readonly context?: string;
  /** Upper bound for each API request (default 10 s); retries get their own. */
  readonly timeoutMs?: number;
  /** Allow targets in kube-system (default false: refused by the resolver and every fault). */
  readonly allowKubeSystem?: boolean;
  /** Most API requests in flight at once across the plugin (default 16). */
  readonly maxConcurrency?: number;
  /** How the pod network faults (kubernetes.pod-latency/-packet-loss/-partition/-bandwidth) reach the node agents. */
  readonly agents?: AgentOptions;
}

/** A plugin plus the API client it uses, for tools that report request statistics (benchmarks). */
export interface KubernetesPlugin extends ProviderPlugin {
  /** The shared client; loading the kubeconfig happens on first use and may throw ProviderError. */
  readonly api: () => KubeApi;
  /** Resolves `{ secretRef: { kubernetes: ... } }` with this plugin's kubeconfig (give it to the engine's secret resolver). */
  readonly secretSource: SecretSource;
}

/**
 * Kubernetes faults (pod-kill, scale, config-flip, cert-expiry, network-partition, and the pod network faults
 * through the node agent), the `kubernetes` target
 * kind and probe, and the orphan sweeper. The kubeconfig is loaded on first use, so registering the plugin
 * never fails on machines without a cluster.
 */
export function kubernetesPlugin(opts: KubernetesPluginOptions = {}): KubernetesPlugin {
  let api: KubeApi | undefined;
  const deps: KubeDeps = {
    allowKubeSystem: opts.allowKubeSystem ?? false,
    api: () => {
      if (!api) {
        const loaded = loadKubeConfig({ ...(opts.kubeconfigPath ? { kubeconfigPath: opts.kubeconfigPath } : {}), ...(opts.context ? { context: opts.context } : {}) });
        api = new KubeApi({ kubeConfig: loaded.kubeConfig, source: loaded.source, timeoutMs: opts.timeoutMs ?? 10_000, maxConcurrency: opts.maxConcurrency ?? 16 });
      }
      return api;
    },
  };
  const faults = [podKillFault(deps), scaleFault(deps), configFlipFault(deps), certExpiryFault(deps), networkPartitionFault(deps), ...podNetworkFaults(deps, opts.agents)];
  return {
    name: 'kubernetes',
    api: deps.api,
    secretSource: kubernetesSecretSource(deps, { timeoutMs: opts.timeoutMs ?? 10_000 }),
    resolvers: [kubernetesResolver(deps)],
    faults,
    probes: [kubernetesProbe(deps)],
    sweepers: [kubernetesSweeper(deps, Object.fromEntries(faults.map((f) => [f.type, f])))],
  };
}

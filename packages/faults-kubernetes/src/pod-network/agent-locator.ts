import { ProviderError, type CallContext } from '@faultline/core';
import type { V1Pod } from '@kubernetes/client-node';
import type { KubeCaller } from '../client/kube-api.js';
import type { ResolvedAgentOptions } from './agent-options.js';

/**
 * Where the agent for a node listens. An explicit `endpoints` entry wins (tests, laptops, agents run
 * outside the cluster); otherwise the agent DaemonSet's pod on that node, found through the API
 * (`list pods` in the agent namespace by label selector and `spec.nodeName`), dialled at its pod IP.
 */
export async function agentEndpointFor(api: KubeCaller, opts: ResolvedAgentOptions, node: string, ctx: CallContext): Promise<string> {
  const fixed = opts.endpoints[node];
  if (fixed) return fixed;
  const pods = await agentPods(api, opts, ctx, `spec.nodeName=${node}`);
  const ready = pods.find((p) => p.status?.phase === 'Running' && p.status.podIP && !p.metadata?.deletionTimestamp);
  if (!ready?.status?.podIP) {
    throw new ProviderError(`no running faultline-agent on node ${node} (pods in ${opts.namespace} matching ${opts.labelSelector}: ${pods.length})`, {
      retryable: pods.length > 0,
      hint: `install the agent DaemonSet (faultline-agent manifests) so it runs on ${node}, or name an endpoint for the node: FAULTLINE_AGENT_ENDPOINTS=${node}=HOST:PORT`,
    });
  }
  return `${ready.status.podIP}:${opts.port}`;
}

/** Every agent the controller knows: the explicit endpoints plus every running agent pod (revert of a pod that is gone). */
export async function allAgentEndpoints(api: KubeCaller, opts: ResolvedAgentOptions, ctx: CallContext): Promise<string[]> {
  const found = new Set(Object.values(opts.endpoints));
  const pods = await agentPods(api, opts, ctx).catch((err: unknown) => {
    if (found.size === 0) throw err;
    return [];
  });
  for (const p of pods) if (p.status?.phase === 'Running' && p.status.podIP) found.add(`${p.status.podIP}:${opts.port}`);
  return [...found];
}

async function agentPods(api: KubeCaller, opts: ResolvedAgentOptions, ctx: CallContext, fieldSelector?: string): Promise<V1Pod[]> {
  const { namespace, labelSelector } = opts;
  const list = await api.call({ verb: 'list', group: '', resource: 'pods', namespace }, ctx, (o) =>
    api.core.listNamespacedPod({ namespace, labelSelector, ...(fieldSelector ? { fieldSelector } : {}), limit: 500 }, o));
  return list.items;
}

import type { FaultProvider } from '@faultline/core';
import {
  bandwidthParams, checkBandwidthParams, checkLatencyParams, checkLossParams, checkPartitionParams, latencyParams, lossParams, partitionParams,
  type BandwidthParams, type LatencyParams, type LossParams, type PartitionParams,
} from '@faultline/netns';
import type { KubeDeps } from '../shared/deps.js';
import { AgentClient } from './agent-client.js';
import { resolveAgentOptions, type AgentOptions } from './agent-options.js';
import { LeaseRenewals } from './lease-renewals.js';
import { createPodNetworkFault, type PodNetworkShared, type PodNetworkUndo } from './pod-network-fault.js';

export const POD_NETWORK_TYPES = ['kubernetes.pod-latency', 'kubernetes.pod-packet-loss', 'kubernetes.pod-partition', 'kubernetes.pod-bandwidth'] as const;

/** The four pod network fault types, sharing one agent client and one set of lease renewals. */
export function podNetworkFaults(kube: KubeDeps, agentOptions: AgentOptions = {}): FaultProvider<any, PodNetworkUndo>[] {
  const agents = resolveAgentOptions(agentOptions);
  let client: AgentClient | undefined;
  let renewals: LeaseRenewals | undefined;
  const shared: PodNetworkShared = {
    kube, agents,
    client: () => (client ??= new AgentClient({ tls: agents.tls(), serverName: agents.serverName, timeoutMs: agents.timeoutMs })),
    renewals: () => (renewals ??= new LeaseRenewals(shared.client())),
  };
  return [
    createPodNetworkFault<LatencyParams>(shared, {
      type: 'kubernetes.pod-latency', kind: 'latency', paramsSchema: latencyParams, check: (p) => checkLatencyParams(p),
      summary: 'Delays what the selected pods send (tc netem in the pod\'s network namespace, or an in-namespace proxy where the node has no netem), through the node agent.',
    }),
    createPodNetworkFault<LossParams>(shared, {
      type: 'kubernetes.pod-packet-loss', kind: 'packet-loss', paramsSchema: lossParams, check: checkLossParams,
      summary: 'Drops a share of the selected pods\' packets (iptables statistic in the pod\'s network namespace), through the node agent.',
    }),
    createPodNetworkFault<PartitionParams>(shared, {
      type: 'kubernetes.pod-partition', kind: 'partition', paramsSchema: partitionParams, check: checkPartitionParams,
      summary: 'Cuts the selected pods off from named destinations/ports (iptables DROP/REJECT in the pod\'s network namespace), through the node agent.',
    }),
    createPodNetworkFault<BandwidthParams>(shared, {
      type: 'kubernetes.pod-bandwidth', kind: 'bandwidth', paramsSchema: bandwidthParams, check: checkBandwidthParams,
      summary: 'Limits what the selected pods send to a rate (tc tbf/htb in the pod\'s network namespace), through the node agent.',
    }),
  ];
}

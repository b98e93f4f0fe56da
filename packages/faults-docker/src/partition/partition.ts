import { partitionParams as params, checkPartitionParams, type PartitionParams } from '@faultline/netns';
import type { FaultProvider } from '@faultline/core';
import type { DockerFaultDeps } from '../shared/containers.js';
import { createNetnsFault, type DockerNetnsUndo } from '../shared/netns-fault.js';

export const PARTITION_TYPE = 'docker.partition';
export const partitionParams = params;
export type { PartitionParams };
export type PartitionUndo = DockerNetnsUndo;

/**
 * docker.partition: iptables DROP (or REJECT) rules in the container's network namespace for the
 * named destinations (addresses/CIDRs), ports and direction; loopback is never touched. Every rule
 * carries the comment `faultline-<runId>-<fault>`; revert deletes them by that comment.
 */
export function createPartitionFault(deps: DockerFaultDeps): FaultProvider<PartitionParams, PartitionUndo> {
  return createNetnsFault<PartitionParams>(deps, {
    type: PARTITION_TYPE,
    summary: 'Cut the container off from named destinations/ports (iptables DROP/REJECT in its network namespace).',
    paramsSchema: partitionParams,
    check: checkPartitionParams,
    measured: (params) => ({ kind: 'partition', params }),
    apply: (ns, p, tag, ctx) => deps.netns.applyPartition(ns, p, tag, ctx),
  });
}

import { bandwidthParams as params, checkBandwidthParams, type BandwidthParams } from '@faultline/netns';
import type { FaultProvider } from '@faultline/core';
import type { DockerFaultDeps } from '../shared/containers.js';
import { createNetnsFault, type DockerNetnsUndo } from '../shared/netns-fault.js';

export const BANDWIDTH_TYPE = 'docker.bandwidth';
export const bandwidthParams = params;
export type { BandwidthParams };
export type BandwidthUndo = DockerNetnsUndo;

/**
 * docker.bandwidth: limits what the container SENDS with tc in its network namespace: one tbf on
 * each interface for all traffic, or an htb whose only shaped class catches the named destinations
 * and ports (other traffic unshaped). Qdiscs get handle fa11: and an owner entry in the
 * FAULTLINE-LEDGER chain naming the run; revert deletes both. A root qdisc Faultline did not add is
 * never replaced (the inject fails with ConflictError instead).
 */
export function createBandwidthFault(deps: DockerFaultDeps): FaultProvider<BandwidthParams, BandwidthUndo> {
  return createNetnsFault<BandwidthParams>(deps, {
    type: BANDWIDTH_TYPE,
    summary: 'Limit the container\'s egress bandwidth (tc tbf/htb in its network namespace).',
    paramsSchema: bandwidthParams,
    check: checkBandwidthParams,
    measured: (params) => ({ kind: 'bandwidth', params }),
    apply: (ns, p, tag, ctx) => deps.netns.applyBandwidth(ns, p, tag, ctx),
  });
}

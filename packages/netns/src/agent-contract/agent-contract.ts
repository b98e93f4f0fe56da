/**
 * The node agent's HTTP contract (`faultline-agent`, apps/agent), shared by the agent and its callers
 * (the Kubernetes pod network faults) so that neither imports the other. Plain types, no runtime: the agent
 * validates what it receives (apps/agent faults.ts), and callers validate what they read back.
 *   POST   /v1/faults               AgentApplyRequest -> AgentFaultStatus (idempotent by id)
 *   POST   /v1/faults/{id}/renew    AgentRenewRequest -> AgentFaultStatus (409 once reverted)
 *   DELETE /v1/faults/{id}          -> AgentFaultStatus, or { id, state: 'unknown' } for an id it never saw
 *   GET    /v1/faults/{id}          -> AgentFaultStatus (404 unknown)
 */
import type { FaultEffect } from '@faultline/core';

export const AGENT_FAULT_KINDS = ['latency', 'packet-loss', 'partition', 'bandwidth'] as const;
export type AgentFaultKind = (typeof AGENT_FAULT_KINDS)[number];

export interface AgentApplyRequest {
  /** Idempotency key chosen by the caller; re-sending it changes nothing (and renews the lease). */
  readonly id: string;
  readonly runId: string;
  readonly faultName: string;
  readonly kind: AgentFaultKind;
  /** As Kubernetes writes it (`containerd://<id>`, `docker://<id>`) or bare. */
  readonly containerId: string;
  /** The netns fault's params (latencyParams, lossParams, partitionParams, bandwidthParams). */
  readonly params: unknown;
  /** 1 s to 10 min; the agent reverts by itself when it runs out without a renewal. */
  readonly leaseMs: number;
}

export interface AgentRenewRequest {
  readonly leaseMs: number;
}

export interface AgentFaultStatus {
  readonly id: string;
  readonly tag?: string;
  readonly kind?: string;
  /** The network namespace inode the fault lives in. */
  readonly inode?: number;
  readonly state: 'applying' | 'applied' | 'reverted' | 'unknown' | string;
  /** netem / proxy / iptables / tbf / htb ... as the agent chose it. */
  readonly mechanism?: string;
  readonly leaseExpiresAtMs?: number;
  readonly revertReason?: string;
  /**
   * Measured from inside the namespace right after the apply: core's FaultEffect (effective / ineffective /
   * unverified, with measured vs asked), the same object FaultProvider.verify returns. A caller reading it
   * off the wire still checks its shape (an older agent sends none).
   */
  readonly effect?: FaultEffect;
}

/** The agent's error body (4xx/5xx). */
export interface AgentErrorBody {
  readonly error: string;
  readonly message?: string;
  readonly hint?: string;
  readonly problems?: readonly string[];
}

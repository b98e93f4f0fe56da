import type { TSchema } from '@sinclair/typebox';
import { ProviderError, UsageError, unverifiedEffect, type FaultContext, type FaultEffect, type FaultProvider, type Json, type Target } from '@faultline/core';
import type { AgentFaultKind, AgentFaultStatus, ParamProblem } from '@faultline/netns';
import type { KubeDeps } from '../shared/deps.js';
import { refOf } from '../shared/target-ref.js';
import { agentMessage, type AgentClient } from './agent-client.js';
import { agentEndpointFor, allAgentEndpoints } from './agent-locator.js';
import type { ResolvedAgentOptions } from './agent-options.js';
import type { LeaseRenewals } from './lease-renewals.js';
import { placementOf, readPod } from './pod-placement.js';

/** Enough to revert in a fresh process: which agent, which fault id; plus what the agent reported. */
export interface PodNetworkUndo {
  [key: string]: Json;
  readonly namespace: string;
  readonly pod: string;
  readonly podUid: string;
  readonly node: string;
  readonly containerId: string;
  /** `host:port` of the agent that applied it (revert asks it first, then whatever agent now runs on `node`). */
  readonly agent: string;
  readonly agentFaultId: string;
  readonly kind: string;
  readonly mechanism: string | null;
  readonly netnsInode: number | null;
  /** The agent's effect verification (effective / ineffective / unverified, measured vs asked), unchanged; null when it reported none. */
  readonly agentEffect: Json;
}

/** What the pod network fault types share. */
export interface PodNetworkShared {
  readonly kube: KubeDeps;
  readonly agents: ResolvedAgentOptions;
  readonly client: () => AgentClient;
  readonly renewals: () => LeaseRenewals;
}

/** The agent's idempotency key: one fault per pod (the pod's containers share one namespace). */
export function agentFaultId(ctx: Pick<FaultContext, 'runId' | 'faultName'>, ref: { uid: string; namespace: string; name: string }): string {
  return `${ctx.runId}/${ctx.faultName}/${ref.uid || `${ref.namespace}/${ref.name}`}`;
}

/** The agent's effect object when it has the FaultEffect shape (it crossed the network: check, do not trust). */
function effectOf(value: Json | undefined): FaultEffect | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { status, detail } = value as { status?: unknown; detail?: unknown };
  if (!['effective', 'ineffective', 'unverified'].includes(status as string) || typeof detail !== 'string') return undefined;
  return value as unknown as FaultEffect;
}

const faultPath = (id: string) => `/v1/faults/${encodeURIComponent(id)}`;

/**
 * A `kubernetes.pod-*` network fault, applied by the faultline-agent on the pod's node. Inject: read the
 * pod (node, a running container), find the node's agent, POST the fault with a lease, keep renewing the
 * lease until revert. Revert: DELETE on the agent that applied it (then on whatever agent runs on that node
 * now); an agent that does not know the id has nothing applied. Without undo data (crash right after the
 * POST), the pod is read again, or, when it is gone, every agent is asked.
 */
export function createPodNetworkFault<P>(shared: PodNetworkShared, spec: {
  type: string;
  kind: AgentFaultKind;
  summary: string;
  paramsSchema: TSchema;
  check(p: P): ParamProblem[];
}): FaultProvider<P, PodNetworkUndo> {
  const { type } = spec;
  const api = () => shared.kube.api().as(type as never);
  return {
    type,
    targetKind: 'kubernetes',
    paramsSchema: spec.paramsSchema,
    summary: spec.summary,
    check: spec.check,
    async inject(target: Target, params: P, ctx: FaultContext): Promise<PodNetworkUndo> {
      const problems = spec.check(params);
      if (problems.length) throw new UsageError(`${type}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
      const ref = refOf(target, { faultType: type, kinds: ['Pod'], allowKubeSystem: shared.kube.allowKubeSystem });
      shared.agents.tls(); // fails on missing client certificates before any request
      const pod = await readPod(api(), ref.namespace, ref.name, ctx);
      if (!pod) throw new ProviderError(`${type}: pod ${ref.namespace}/${ref.name} is gone`, { hint: 'it was deleted after the targets were resolved; run again' });
      const place = placementOf(pod, type);
      const endpoint = await agentEndpointFor(api(), shared.agents, place.node, ctx);
      const id = agentFaultId(ctx, ref);
      const leaseMs = shared.agents.leaseMs;
      const res = await shared.client().call<AgentFaultStatus>(endpoint, 'POST', '/v1/faults', {
        id, runId: ctx.runId, faultName: ctx.faultName, kind: spec.kind, containerId: place.containerId, params, leaseMs,
      }, ctx);
      if (res.status !== 200) {
        throw new ProviderError(`${type}: the agent on node ${place.node} (${endpoint}) refused pod ${ref.namespace}/${ref.name}: HTTP ${res.status}: ${agentMessage(res.body)}`, {
          retryable: res.status >= 500, ...((res.body as { hint?: string }).hint ? { hint: (res.body as { hint: string }).hint } : {}),
        });
      }
      const status = res.body as AgentFaultStatus;
      const every = Math.max(250, Math.floor(leaseMs / 3));
      shared.renewals().start(id, endpoint, leaseMs, ctx.log, ctx.leaseMs ? Math.ceil(ctx.leaseMs / every) + 1 : Infinity);
      ctx.log.info({ runId: ctx.runId, targetId: target.id, node: place.node, agent: endpoint, mechanism: status.mechanism, netns: status.inode }, `${type} applied by the node agent`);
      return {
        namespace: ref.namespace, pod: ref.name, podUid: place.uid, node: place.node, containerId: place.containerId, agent: endpoint, agentFaultId: id,
        kind: spec.kind, mechanism: status.mechanism ?? null, netnsInode: status.inode ?? null, agentEffect: (status.effect ?? null) as Json,
      };
    },
    /** The agent measures right after its apply, from inside the pod's namespace; this reports what it found. */
    async verify(_target: Target, undo: PodNetworkUndo | undefined): Promise<FaultEffect> {
      return effectOf(undo?.agentEffect) ?? unverifiedEffect('the node agent reported no effect measurement (an older agent, or the measurement failed)');
    },
    async revert(target: Target, undo: PodNetworkUndo | undefined, ctx: FaultContext): Promise<void> {
      const ref = refOf(target, { faultType: type, kinds: ['Pod'], allowKubeSystem: shared.kube.allowKubeSystem });
      const id = undo?.agentFaultId ?? agentFaultId(ctx, ref);
      shared.renewals().stop(id);
      const candidates = await revertCandidates(undo, ref, ctx);
      const failures: string[] = [];
      for (const endpoint of candidates) {
        try {
          const res = await shared.client().call<AgentFaultStatus>(endpoint, 'DELETE', faultPath(id), undefined, ctx);
          if (res.status === 404 || (res.status === 200 && ['reverted', 'unknown'].includes((res.body as AgentFaultStatus).state))) {
            ctx.log.info({ runId: ctx.runId, targetId: target.id, agent: endpoint, state: res.status === 404 ? 'unknown' : (res.body as AgentFaultStatus).state }, `${type} reverted by the node agent`);
            if (undo) return; // the agent that applied it (or its node's current agent) answered
            continue; // without undo data we do not know which agent had it: ask them all
          }
          failures.push(`${endpoint}: HTTP ${res.status} ${agentMessage(res.body)}`);
        } catch (err) {
          failures.push(`${endpoint}: ${(err as Error).message}`);
        }
      }
      if (failures.length === 0 && candidates.length > 0) return;
      if (candidates.length === 0) throw new ProviderError(`${type}: no node agent to revert ${id} on`, { retryable: true, hint: 'the agent reverts by itself when its lease runs out; check the faultline-agent DaemonSet' });
      throw new ProviderError(`${type}: revert of ${id} not confirmed: ${failures.join('; ')}`, {
        retryable: true, hint: 'retried with backoff; the agent also reverts by itself when the lease runs out (FAULTLINE_AGENT_LEASE_MS)',
      });
    },
  };

  async function revertCandidates(undo: PodNetworkUndo | undefined, ref: { namespace: string; name: string }, ctx: FaultContext): Promise<string[]> {
    const out: string[] = [];
    if (undo) {
      // The node's current agent first (a recorded pod IP may since belong to another node's agent), then the recorded one.
      const now = await agentEndpointFor(api(), shared.agents, undo.node, ctx).catch(() => undefined);
      if (now) out.push(now);
      if (now !== undo.agent) out.push(undo.agent);
      return out;
    }
    const pod = await readPod(api(), ref.namespace, ref.name, ctx);
    if (pod?.spec?.nodeName) return [await agentEndpointFor(api(), shared.agents, pod.spec.nodeName, ctx)];
    return allAgentEndpoints(api(), shared.agents, ctx);
  }
}

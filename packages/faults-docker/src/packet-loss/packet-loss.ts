import { isIP } from 'node:net';
import { Type, type Static } from '@sinclair/typebox';
import { UsageError, artefactName, unverifiedEffect, type FaultContext, type FaultProvider } from '@faultline/core';
import { findContainerNetns } from '@faultline/netns';
import { TARGET_KIND, containerIdOf } from '../shared/target-ref.js';
import { containerForInject, inspectContainer, notRunning, type DockerFaultDeps } from '../shared/containers.js';
import { assertLocalEngine } from '../shared/netns-fault.js';
import type { Chain, RuleSpec } from '../shared/netns-iptables.js';

export const packetLossParams = Type.Object(
  {
    probability: Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'Share of matching packets dropped, e.g. 0.3' }),
    direction: Type.Optional(Type.Union([Type.Literal('ingress'), Type.Literal('egress'), Type.Literal('both')], {
      description: 'ingress: packets arriving at the container (INPUT); egress: leaving it (OUTPUT). Default both.',
    })),
    protocol: Type.Optional(Type.Union([Type.Literal('tcp'), Type.Literal('udp'), Type.Literal('all')], {
      description: 'Default tcp when a port is given, otherwise all',
    })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: "The container's own port: destination port for ingress, source port for egress" })),
    peer: Type.Optional(Type.String({ description: 'Only traffic with this peer address or CIDR (e.g. 172.18.0.5 or 10.0.0.0/8)' })),
  },
  { additionalProperties: false },
);
export type PacketLossParams = Static<typeof packetLossParams>;

/** The comment that tags our rules and the rules we added, for the journal. Revert needs only the comment. */
export type PacketLossUndo = { containerId: string; comment: string; rules: { chain: Chain; rule: string[] }[] };

export const PACKET_LOSS_TYPE = 'docker.packet-loss';

/** Builds the iptables rules (without chain) for the params; pure, so it is unit tested. */
export function packetLossRules(params: PacketLossParams, comment: string): { chain: Chain; rule: string[] }[] {
  const direction = params.direction ?? 'both';
  const protocol = params.protocol ?? (params.port !== undefined ? 'tcp' : 'all');
  const chains: Chain[] = direction === 'both' ? ['INPUT', 'OUTPUT'] : direction === 'ingress' ? ['INPUT'] : ['OUTPUT'];
  return chains.map((chain) => {
    const rule: string[] = [];
    if (protocol !== 'all') rule.push('-p', protocol);
    if (params.peer !== undefined) rule.push(chain === 'INPUT' ? '-s' : '-d', params.peer);
    if (params.port !== undefined) rule.push('-m', protocol, chain === 'INPUT' ? '--dport' : '--sport', String(params.port));
    rule.push('-m', 'statistic', '--mode', 'random', '--probability', String(params.probability));
    rule.push('-m', 'comment', '--comment', comment, '-j', 'DROP');
    return { chain, rule };
  });
}

export function checkPacketLossParams(params: PacketLossParams): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = [];
  if (params.port !== undefined && params.protocol === 'all') {
    problems.push({ path: 'protocol', message: 'a port filter needs protocol tcp or udp' });
  }
  if (params.peer !== undefined) {
    const [addr, bits, extra] = params.peer.split('/');
    const family = isIP(addr ?? '');
    const okBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (family === 0 || !okBits || extra !== undefined) problems.push({ path: 'peer', message: `"${params.peer}" is not an IP address or CIDR` });
    else if (family === 6) problems.push({ path: 'peer', message: 'IPv6 peers are not supported yet (rules use iptables, not ip6tables)' });
  }
  return problems;
}

/**
 * docker.packet-loss: an iptables `statistic --mode random` DROP rule in the container's network
 * namespace (entered with nsenter from the host), on INPUT and/or OUTPUT, optionally only for one port
 * or peer. Each rule carries `-m comment --comment faultline-<runId>-<fault>`; revert deletes every
 * rule with that comment, so it needs no undo data. Inject checks for the rule first (idempotent).
 * A restarted container gets a fresh namespace, so its rules vanish with the old one.
 * Needs Faultline as root on the Docker host (the engine must be local: unix socket).
 */
export function createPacketLossFault(deps: DockerFaultDeps): FaultProvider<PacketLossParams, PacketLossUndo> {
  const comment = (ctx: FaultContext) => artefactName(ctx.runId, ctx.faultName);
  const assertLocal = () => assertLocalEngine(deps, PACKET_LOSS_TYPE);
  return {
    type: PACKET_LOSS_TYPE,
    targetKind: TARGET_KIND,
    paramsSchema: packetLossParams,
    summary: 'Drop a share of the container\'s packets (iptables statistic rule in its network namespace).',
    check: checkPacketLossParams,
    async inject(target, params, ctx) {
      const problems = checkPacketLossParams(params);
      if (problems.length) throw new UsageError(`${PACKET_LOSS_TYPE}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
      assertLocal();
      const info = await containerForInject(deps, target, ctx);
      if (!info.State.Running || !info.State.Pid) throw notRunning(PACKET_LOSS_TYPE, target, info);
      const tag = comment(ctx);
      const rules = packetLossRules(params, tag);
      for (const { chain, rule } of rules) {
        const existing = await deps.iptables.rulesWithComment(info.State.Pid, chain, tag, ctx);
        if (existing.length === 0) await deps.iptables.insert(info.State.Pid, chain, rule, ctx);
      }
      ctx.log.info({ runId: ctx.runId, targetId: target.id, probability: params.probability }, 'packet loss rules added');
      return { containerId: info.Id, comment: tag, rules };
    },
    /**
     * Failed-connect share to `peer` measured from inside the container's namespace (see
     * @faultline/netns lossEffect). A `port` filter names the container's own port, which an outgoing
     * probe cannot use as its source, so that case stays unverified.
     */
    async verify(_target, undo, params, ctx) {
      if (params.peer === undefined) return unverifiedEffect('no peer named, so there is no destination to count lost connects against');
      if (params.port !== undefined) return unverifiedEffect(`the loss applies to the container's own port ${params.port}; an outgoing probe cannot use it as its source`);
      const ns = undo ? findContainerNetns(undo.containerId) : undefined;
      if (!ns) return unverifiedEffect('the container has no running process, so its namespace cannot be entered');
      return deps.netns.effect(ns, {
        kind: 'packet-loss',
        params: { probability: params.probability, destinations: [params.peer], ...(params.direction ? { direction: params.direction } : {}), ...(params.protocol ? { protocol: params.protocol } : {}) },
      }, 'iptables', ctx);
    },
    async revert(target, undo, ctx) {
      assertLocal();
      const info = await inspectContainer(deps.api, containerIdOf(target), ctx);
      // No container or no process: the namespace, and our rules with it, are gone.
      if (!info || !info.State.Running || !info.State.Pid) return;
      const tag = undo?.comment ?? comment(ctx);
      await removeTaggedRules(deps, info.State.Pid, tag, ctx);
      ctx.log.info({ runId: ctx.runId, targetId: target.id }, 'packet loss rules removed');
    },
  };
}

/** Deletes every INPUT/OUTPUT rule whose comment is `tag` in the namespace of `pid`. Idempotent. */
export async function removeTaggedRules(deps: Pick<DockerFaultDeps, 'iptables'>, pid: number, tag: string, ctx: Pick<FaultContext, 'signal' | 'timeoutMs'>): Promise<number> {
  let removed = 0;
  for (const chain of ['INPUT', 'OUTPUT'] as const) {
    const rules: RuleSpec[] = await deps.iptables.rulesWithComment(pid, chain, tag, ctx);
    for (const rule of rules) {
      await deps.iptables.delete(pid, chain, rule, ctx);
      removed++;
    }
  }
  return removed;
}

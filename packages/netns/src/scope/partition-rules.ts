import type { RuleSpec } from '../iptables/tagged-rules.js';
import type { LossParams, PartitionParams } from './params.js';

/**
 * The filter rules of a partition, pure so it is unit tested. One rule per (direction, destination);
 * ports go in one `multiport` match. Loopback is never touched (the agent's own proxy and the
 * container's local services keep working).
 */
export function partitionRules(p: PartitionParams & { probability?: number }, tag: string): RuleSpec[] {
  const direction = p.direction ?? 'both';
  const protocol = p.protocol ?? (p.ports ? 'tcp' : 'all');
  const chains: Array<'INPUT' | 'OUTPUT'> = direction === 'both' ? ['OUTPUT', 'INPUT'] : direction === 'egress' ? ['OUTPUT'] : ['INPUT'];
  const peers: Array<string | undefined> = p.destinations ?? [undefined];
  const rules: RuleSpec[] = [];
  for (const chain of chains) {
    for (const peer of peers) {
      const args: string[] = chain === 'OUTPUT' ? ['!', '-o', 'lo'] : ['!', '-i', 'lo'];
      if (protocol !== 'all') args.push('-p', protocol);
      if (peer !== undefined) args.push(chain === 'OUTPUT' ? '-d' : '-s', peer);
      // Egress: the remote port is the destination port. Ingress: the target's own port, also --dports.
      if (p.ports) args.push('-m', 'multiport', '--dports', p.ports.join(','));
      if (p.probability !== undefined) args.push('-m', 'statistic', '--mode', 'random', '--probability', String(p.probability));
      args.push('-m', 'comment', '--comment', tag);
      if (p.action === 'reject') {
        args.push('-j', 'REJECT', ...(protocol === 'tcp' ? ['--reject-with', 'tcp-reset'] : []));
      } else {
        args.push('-j', 'DROP');
      }
      rules.push({ table: 'filter', chain, args });
    }
  }
  return rules;
}

/** Packet loss: the partition's rules with a `statistic --mode random` match, always DROP. */
export function lossRules(p: LossParams, tag: string): RuleSpec[] {
  return partitionRules({ ...p, action: 'drop' }, tag);
}

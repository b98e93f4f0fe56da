import { ConflictError, parseRate, parseSize } from '@faultline/core';
import type { ExecContext, NetnsExec } from '../exec/netns-exec.js';
import type { NetnsHandle } from '../locate/netns-handle.js';
import { LEDGER_CHAIN, ledgerDevice, ledgerRule, parseTaggedRules, shq, type TaggedRule, type TaggedRules } from '../iptables/tagged-rules.js';
import type { BandwidthParams } from '../scope/params.js';

const TC_HINT = 'needs NET_ADMIN and the sch_tbf / sch_htb / sch_netem modules; check with `faultline agent --preflight`';

/** Separates the outputs of several commands in one state dump. */
export const SEP = '@@faultline@@';

/** Which tag owns the Faultline qdisc on each device, from tagged rules (ledger entries). */
export function ledgerOwners(rules: readonly TaggedRule[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const r of rules) {
    const dev = r.chain === LEDGER_CHAIN ? ledgerDevice(r) : undefined;
    if (dev) owners.set(dev, r.tag);
  }
  return owners;
}

/** The major handle of every root qdisc Faultline adds: `fa11:`. Any other root qdisc is someone else's. */
export const QDISC_HANDLE = 'fa11:';

export interface RootQdisc {
  readonly dev: string;
  readonly kind: string;
  readonly handle: string;
}

/** Parses `tc qdisc show` into the root qdisc of each device. */
export function parseRootQdiscs(text: string): RootQdisc[] {
  const out: RootQdisc[] = [];
  for (const line of text.split('\n')) {
    const m = /^qdisc (\S+) (\S+) dev (\S+) root\b/.exec(line.trim());
    if (m) out.push({ kind: m[1] as string, handle: m[2] as string, dev: m[3] as string });
  }
  return out;
}

/** Parses `ip -o link show` to device names (without the @peer suffix), loopback left out. */
export function parseDevices(text: string): string[] {
  const devs: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\d+:\s+([^:@\s]+)(?:@\S+)?:/.exec(line);
    if (m && m[1] !== 'lo') devs.push(m[1] as string);
  }
  return devs;
}

/**
 * The tc commands that shape egress on `dev` (argv after `tc`), pure for unit tests.
 * All traffic: one tbf. Scoped to destinations/ports: an htb whose default class is unshaped, one
 * shaped class and one u32 filter per (destination, port) into it.
 */
export function bandwidthCommands(dev: string, p: BandwidthParams): string[][] {
  const bytesPerSec = parseRate(p.rate);
  const bit = `${Math.round(bytesPerSec * 8)}bit`;
  const burstBytes = p.burst ? parseSize(p.burst) : Math.max(Math.round(bytesPerSec / 10), 16 * 1024);
  if (!p.destinations && !p.ports) {
    return [['qdisc', 'replace', 'dev', dev, 'root', 'handle', QDISC_HANDLE, 'tbf', 'rate', bit, 'burst', String(burstBytes), 'latency', '400ms']];
  }
  const cmds: string[][] = [
    ['qdisc', 'replace', 'dev', dev, 'root', 'handle', QDISC_HANDLE, 'htb', 'default', '0'],
    ['class', 'replace', 'dev', dev, 'parent', QDISC_HANDLE, 'classid', `${QDISC_HANDLE}1`, 'htb', 'rate', bit, 'ceil', bit, 'burst', String(burstBytes)],
  ];
  let prio = 1;
  for (const dst of p.destinations ?? [undefined]) {
    for (const port of p.ports ?? [undefined]) {
      const match: string[] = [];
      if (dst !== undefined) match.push('match', 'ip', 'dst', dst.includes('/') ? dst : `${dst}/32`);
      if (port !== undefined) match.push('match', 'ip', 'dport', String(port), '0xffff');
      cmds.push(['filter', 'add', 'dev', dev, 'parent', QDISC_HANDLE, 'protocol', 'ip', 'prio', String(prio++), 'u32', ...match, 'flowid', `${QDISC_HANDLE}1`]);
    }
  }
  return cmds;
}

/**
 * tc netem on `dev` (argv after `tc`). All traffic: netem as the root qdisc. Named destinations
 * (IPv4, CIDR or IPv4:port): a prio root whose third band holds the netem, u32 filters send only
 * those destinations there (normal traffic maps to bands 1-2 and is not delayed).
 */
export function netemCommands(dev: string, latencyMs: number, jitterMs: number, destinations?: readonly string[]): string[][] {
  const delay = ['delay', `${latencyMs}ms`, ...(jitterMs > 0 ? [`${jitterMs}ms`, 'distribution', 'uniform'] : [])];
  if (!destinations) return [['qdisc', 'replace', 'dev', dev, 'root', 'handle', QDISC_HANDLE, 'netem', ...delay]];
  const cmds: string[][] = [
    ['qdisc', 'replace', 'dev', dev, 'root', 'handle', QDISC_HANDLE, 'prio', 'bands', '3'],
    ['qdisc', 'replace', 'dev', dev, 'parent', `${QDISC_HANDLE}3`, 'handle', 'fa12:', 'netem', ...delay],
  ];
  destinations.forEach((d, i) => {
    const [addr, port] = d.includes(':') ? d.split(':') : [d, undefined];
    const match = ['match', 'ip', 'dst', (addr as string).includes('/') ? (addr as string) : `${addr}/32`, ...(port ? ['match', 'ip', 'dport', port, '0xffff'] : [])];
    cmds.push(['filter', 'add', 'dev', dev, 'parent', QDISC_HANDLE, 'protocol', 'ip', 'prio', String(i + 1), 'u32', ...match, 'flowid', `${QDISC_HANDLE}3`]);
  });
  return cmds;
}

/**
 * Root qdiscs in a namespace, owned through the ledger chain: before tc touches a device, a ledger
 * entry names the tag that owns it (journal first, so a crash between the two leaves a trace the
 * sweep can follow). One Faultline qdisc per device: a second, differently tagged fault on the same
 * device is refused instead of silently replacing the first.
 */
export class Qdiscs {
  constructor(private readonly exec: NetnsExec, private readonly rules: TaggedRules, private readonly tc = 'tc', private readonly ip = 'ip') {}

  async devices(ns: NetnsHandle, ctx: ExecContext): Promise<string[]> {
    return parseDevices(await this.exec.run(ns, [this.ip, '-o', 'link', 'show'], ctx));
  }

  async roots(ns: NetnsHandle, ctx: ExecContext): Promise<RootQdisc[]> {
    return parseRootQdiscs(await this.exec.run(ns, [this.tc, 'qdisc', 'show'], ctx));
  }

  /** Which tag owns the Faultline qdisc on each device, from the ledger. */
  async owners(ns: NetnsHandle, ctx: ExecContext): Promise<Map<string, string>> {
    return ledgerOwners(await this.rules.list(ns, ctx));
  }

  /**
   * Shell lines deleting the Faultline root qdisc on each device; a delete that fails while the
   * qdisc is still there fails the script (a device that vanished with its veth peer is fine).
   */
  removeLines(devs: readonly string[]): string[] {
    return devs.map((dev) => `${this.tc} qdisc del dev ${shq(dev)} root handle ${QDISC_HANDLE} 2>/dev/null || if ${this.tc} qdisc show dev ${shq(dev)} 2>/dev/null | grep -q '${QDISC_HANDLE} root'; then echo "cannot delete the Faultline qdisc on ${dev}" >&2; exit 1; fi`);
  }

  /**
   * Applies `commands(dev)` on every device but lo, owned by `tag`. Idempotent: a device whose
   * Faultline qdisc the same tag owns is left alone. Refuses (before changing anything) a device
   * whose root qdisc belongs to another fault or was set by someone else.
   */
  async apply(ns: NetnsHandle, tag: string, commands: (dev: string) => string[][], ctx: ExecContext, what: string): Promise<string[]> {
    let devs: string[];
    let roots: Map<string, RootQdisc>;
    let owners: Map<string, string>;
    if (this.rules.batch) {
      // One process for the whole state: devices, root qdiscs, ledger.
      const [links = '', tcText = '', saveText = ''] = (await this.exec.run(ns, ['sh', '-c', `${this.ip} -o link show; echo ${SEP}; ${this.tc} qdisc show; echo ${SEP}; ${this.rules.iptablesSave} -t filter`], ctx)).split(`${SEP}\n`);
      devs = parseDevices(links);
      roots = new Map(parseRootQdiscs(tcText).map((q) => [q.dev, q]));
      owners = ledgerOwners(parseTaggedRules(saveText));
    } else {
      devs = await this.devices(ns, ctx);
      roots = new Map((await this.roots(ns, ctx)).map((q) => [q.dev, q]));
      owners = await this.owners(ns, ctx);
    }
    const todo: string[] = [];
    for (const dev of devs) {
      const owner = owners.get(dev);
      const root = roots.get(dev);
      if (owner === tag && root?.handle === QDISC_HANDLE) continue;
      if (owner !== undefined && owner !== tag) {
        throw new ConflictError(`${what}: device ${dev} in net:[${ns.inode}] already has a Faultline qdisc owned by ${owner}`, {
          hint: 'one tc fault (latency or bandwidth) per target at a time; run them one after the other, or combine the faults in one step',
        });
      }
      if (root && root.handle !== '0:' && root.handle !== QDISC_HANDLE) {
        throw new ConflictError(`${what}: device ${dev} in net:[${ns.inode}] has a ${root.kind} root qdisc (${root.handle}) that Faultline did not add`, {
          hint: 'Faultline never replaces qdiscs it did not add; remove it first (`tc qdisc del dev ' + dev + ' root` in that namespace) if it is stale',
        });
      }
      todo.push(dev);
    }
    if (this.rules.batch) {
      // Ledger entries first (journal before change), then tc: one script, stops at the first failure.
      const lines = [...this.rules.ensureLines(todo.map((dev) => ledgerRule(dev, tag))), ...todo.flatMap((dev) => commands(dev).map((cmd) => [this.tc, ...cmd].map(shq).join(' ')))];
      if (todo.length) await this.rules.script(ns, lines, ctx, TC_HINT);
      return devs;
    }
    for (const dev of todo) {
      await this.rules.ensure(ns, [ledgerRule(dev, tag)], ctx);
      for (const cmd of commands(dev)) await this.exec.run(ns, [this.tc, ...cmd], ctx, { hint: TC_HINT });
    }
    return devs;
  }

  /** Deletes the Faultline root qdisc of every device `tag` owns, then its ledger entries. Idempotent. */
  async remove(ns: NetnsHandle, tag: string, ctx: ExecContext): Promise<number> {
    const roots = new Map((await this.roots(ns, ctx)).map((q) => [q.dev, q]));
    let removed = 0;
    for (const [dev, owner] of await this.owners(ns, ctx)) {
      if (owner !== tag) continue;
      if (roots.get(dev)?.handle === QDISC_HANDLE) {
        try {
          await this.exec.run(ns, [this.tc, 'qdisc', 'del', 'dev', dev, 'root', 'handle', QDISC_HANDLE], ctx);
        } catch (err) {
          // The device may have vanished with its veth peer; nothing is left to shape then.
          if (!/Cannot find device|Invalid handle|No such file/i.test(String((err as { stderr?: string }).stderr ?? ''))) throw err;
        }
        removed++;
      }
      await this.rules.delete(ns, ledgerRule(dev, tag), ctx);
    }
    return removed;
  }
}

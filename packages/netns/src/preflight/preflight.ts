import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** What this node's kernel and tools offer for network faults; reported in the run journal. */
export interface NodeCapabilities {
  /** tc netem (sch_netem) can be added: latency/jitter via netem; otherwise the in-namespace proxy. */
  readonly netem: boolean;
  readonly tbf: boolean;
  readonly htb: boolean;
  /** The xt matches our rules use. */
  readonly statistic: boolean;
  readonly owner: boolean;
  readonly redirect: boolean;
  /** `iptables -V`: nf_tables or legacy. */
  readonly iptables: 'nft' | 'legacy' | 'missing';
  readonly cgroup: 'v1' | 'v2';
  readonly nsenter: boolean;
  /** Problems found, each with how to fix it. */
  readonly problems: ReadonlyArray<{ what: string; fix: string }>;
}

function run(file: string, args: string[], timeoutMs: number): Promise<{ ok: boolean; out: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs }, (err, stdout, stderr) => resolve({ ok: !err, out: `${stdout}${stderr}` }));
  });
}

/**
 * Probes the node WITHOUT touching any real namespace: each check runs in a throwaway network
 * namespace (`unshare --net`), which vanishes with everything added to it. Needs root.
 */
export async function preflight(opts: { timeoutMs?: number; cgroupRoot?: string } = {}): Promise<NodeCapabilities> {
  const t = opts.timeoutMs ?? 5_000;
  const scratch = (script: string) => run('unshare', ['--net', 'sh', '-c', script], t);
  const version = await run('iptables', ['-V'], t);
  const iptables = !version.ok ? 'missing' : /legacy/.test(version.out) ? 'legacy' : 'nft';
  const [netem, tbf, htb, statistic, owner, redirect, nsenter] = await Promise.all([
    scratch('ip link set lo up && tc qdisc add dev lo root netem delay 1ms'),
    scratch('ip link set lo up && tc qdisc add dev lo root tbf rate 1mbit burst 16kb latency 100ms'),
    scratch('ip link set lo up && tc qdisc add dev lo root handle 1: htb default 0'),
    scratch('iptables -w 5 -A OUTPUT -m statistic --mode random --probability 0.5 -m comment --comment preflight -j DROP'),
    scratch('iptables -w 5 -A OUTPUT -m owner --gid-owner 1 -j ACCEPT'),
    scratch('iptables -w 5 -t nat -A OUTPUT -p tcp --dport 1 -j REDIRECT --to-ports 2'),
    run('nsenter', ['--version'], t),
  ]);
  const root = opts.cgroupRoot ?? '/sys/fs/cgroup';
  const cgroup = existsSync(`${root}/cgroup.controllers`) ? 'v2' : 'v1';
  const problems: Array<{ what: string; fix: string }> = [];
  if (!netem.ok) problems.push({ what: 'tc netem is not available (sch_netem missing): latency uses the in-namespace TCP proxy (TCP only, named IPv4:port destinations)', fix: 'modprobe sch_netem (package linux-modules-extra-$(uname -r) on Ubuntu, kernel-modules-extra on RHEL/Fedora)' });
  if (!tbf.ok || !htb.ok) problems.push({ what: 'tc tbf/htb not available: bandwidth faults cannot run', fix: 'modprobe sch_tbf sch_htb cls_u32; install iproute2' });
  if (!statistic.ok) problems.push({ what: 'iptables statistic match missing: packet loss cannot run', fix: 'modprobe xt_statistic; install iptables' });
  if (!owner.ok || !redirect.ok) problems.push({ what: 'iptables owner/REDIRECT missing: the latency proxy cannot run', fix: 'modprobe xt_owner xt_REDIRECT (nf_nat)' });
  if (iptables === 'missing') problems.push({ what: 'iptables is not installed', fix: 'install iptables (the agent image ships it)' });
  if (!nsenter.ok) problems.push({ what: 'nsenter is not installed', fix: 'install util-linux' });
  return { netem: netem.ok, tbf: tbf.ok, htb: htb.ok, statistic: statistic.ok, owner: owner.ok, redirect: redirect.ok, iptables, cgroup, nsenter: nsenter.ok, problems };
}

/** The kernel version line, for the report. */
export function kernelRelease(): string {
  try {
    return readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

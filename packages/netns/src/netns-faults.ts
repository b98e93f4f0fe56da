import { parseArtefactName, parseDuration, type FaultEffect } from '@faultline/core';
import { NetnsCommandError, NetnsExec, NetnsGoneError, type ExecContext } from './exec/netns-exec.js';
import { hostNetnsInode, listNetns, refreshHandle, type NetnsHandle, type ProcFs } from './locate/netns-handle.js';
import { LEDGER_CHAIN, TaggedRules, ledgerDevice, tagState } from './iptables/tagged-rules.js';
import { QDISC_HANDLE, Qdiscs, SEP, bandwidthCommands, netemCommands, parseRootQdiscs } from './tc/qdiscs.js';
import { lossRules, partitionRules } from './scope/partition-rules.js';
import type { BandwidthParams, LatencyParams, LossParams, PartitionParams } from './scope/params.js';
import { bandwidthEffect, latencyEffect, lossEffect, partitionEffect } from './measure/effect.js';
import { findLatencyProxies, redirectRules, startLatencyProxy, stopPid } from './latency/latency-proxy.js';

/** What an apply did, for the journal / undo data. Revert needs only the inode and the tag. */
export type NetnsUndo = {
  readonly inode: number;
  readonly tag: string;
  readonly mechanism: 'iptables' | 'tbf' | 'htb' | 'netem' | 'proxy';
  readonly devices?: string[];
  readonly proxyPid?: number;
};

/** A fault kind with its params, for `effect()`. */
export type NetnsFaultParams =
  | { kind: 'latency'; params: LatencyParams }
  | { kind: 'packet-loss'; params: LossParams }
  | { kind: 'partition'; params: PartitionParams }
  | { kind: 'bandwidth'; params: BandwidthParams };

/** One tagged leftover in some namespace, found by `sweep()`. */
export interface NetnsLeftover {
  readonly inode: number;
  readonly tag: string;
  readonly runId: string;
  readonly faultName: string;
  readonly what: string[];
}

/**
 * The network faults, applied inside one namespace and reverted by tag. Every artefact carries the
 * tag `faultline-<runId>-<fault>`: iptables rules by comment, qdiscs through the ledger chain, the
 * latency proxy in its argv. So revert needs no undo data beyond the namespace inode, and a sweep
 * finds everything in every namespace.
 */
export class NetnsFaults {
  readonly exec: NetnsExec;
  readonly rules: TaggedRules;
  readonly qdiscs: Qdiscs;

  /** `batch: false` runs one process per iptables/tc command (the earlier way; bench/agent compares both). */
  constructor(opts: { proc?: ProcFs; nsenter?: string; batch?: boolean } = {}) {
    this.exec = new NetnsExec(opts);
    this.rules = new TaggedRules(this.exec, 'iptables', opts.batch ?? true);
    this.qdiscs = new Qdiscs(this.exec, this.rules);
  }

  async applyPartition(ns: NetnsHandle, p: PartitionParams, tag: string, ctx: ExecContext): Promise<NetnsUndo> {
    await this.rules.ensure(ns, partitionRules(p, tag), ctx);
    return { inode: ns.inode, tag, mechanism: 'iptables' };
  }

  async applyLoss(ns: NetnsHandle, p: LossParams, tag: string, ctx: ExecContext): Promise<NetnsUndo> {
    await this.rules.ensure(ns, lossRules(p, tag), ctx);
    return { inode: ns.inode, tag, mechanism: 'iptables' };
  }

  async applyBandwidth(ns: NetnsHandle, p: BandwidthParams, tag: string, ctx: ExecContext): Promise<NetnsUndo> {
    const devices = await this.qdiscs.apply(ns, tag, (dev) => bandwidthCommands(dev, p), ctx, 'bandwidth');
    return { inode: ns.inode, tag, mechanism: p.destinations || p.ports ? 'htb' : 'tbf', devices };
  }

  /**
   * Latency with `mechanism` decided by the caller from preflight: netem on every device, or the
   * in-namespace proxy for named IPv4:port destinations. Idempotent: a running proxy for the tag is reused.
   */
  async applyLatency(ns: NetnsHandle, p: LatencyParams, mechanism: 'netem' | 'proxy', tag: string, ctx: ExecContext): Promise<NetnsUndo> {
    const latencyMs = parseDuration(p.latency);
    const jitterMs = p.jitter ? parseDuration(p.jitter) : 0;
    if (mechanism === 'netem') {
      const devices = await this.qdiscs.apply(ns, tag, (dev) => netemCommands(dev, latencyMs, jitterMs, p.destinations), ctx, 'latency');
      return { inode: ns.inode, tag, mechanism, devices };
    }
    const existing = findLatencyProxies(this.exec.proc, tag).find((x) => x.inode === ns.inode);
    if (existing && (await this.rules.list(ns, ctx)).some((r) => r.tag === tag && r.table === 'nat')) {
      return { inode: ns.inode, tag, mechanism, proxyPid: existing.pid };
    }
    if (existing) await stopPid(existing.pid);
    const upstreams = (p.destinations ?? []).map((d) => d);
    const proxy = await startLatencyProxy(this.exec, ns, tag, { upstreams, latencyMs, jitterMs }, ctx);
    try {
      await this.rules.ensure(ns, redirectRules(proxy.listeners, tag), ctx);
    } catch (err) {
      await this.rules.removeTag(ns, tag, ctx).catch(() => undefined);
      await stopPid(proxy.pid);
      throw err;
    }
    return { inode: ns.inode, tag, mechanism, proxyPid: proxy.pid };
  }

  /**
   * Measures, from inside the namespace, whether the fault `undo` describes has the asked effect
   * (see measure/effect.ts): RTT for latency, failed-connect share for loss, reachability for a
   * partition, against the first named destination. Bandwidth is not measured (`unverified`).
   */
  async effect(ns: NetnsHandle, fault: NetnsFaultParams, mechanism: NetnsUndo['mechanism'], ctx: ExecContext): Promise<FaultEffect> {
    const now = this.exec.resolve(ns);
    switch (fault.kind) {
      case 'latency': return latencyEffect(this.exec, now, fault.params, mechanism === 'netem' ? 'netem' : 'proxy', ctx);
      case 'packet-loss': return lossEffect(this.exec, now, fault.params, ctx);
      case 'partition': return partitionEffect(this.exec, now, fault.params, ctx);
      case 'bandwidth': return bandwidthEffect(fault.params);
    }
  }

  /**
   * Removes everything `tag` put into namespace `inode`: qdiscs (through the ledger), iptables rules
   * in every table, then the latency proxy (after its REDIRECT rules are gone, so no connection is
   * sent to a closed port). A namespace that no longer exists took everything with it: resolved.
   * Returns what was removed. Idempotent and total.
   */
  async revert(inode: number, tag: string, ctx: ExecContext, hint?: NetnsHandle): Promise<string[]> {
    const removed: string[] = [];
    const ns = (hint && refreshHandle(hint, this.exec.proc)) ?? refreshHandle({ inode, pid: hint?.pid ?? 0 }, this.exec.proc);
    if (ns && this.rules.batch) {
      try {
        removed.push(...(await this.revertBatched(ns, tag, ctx)));
      } catch (err) {
        if (!(err instanceof NetnsGoneError)) throw err;
      }
    } else if (ns) {
      try {
        const q = await this.qdiscs.remove(ns, tag, ctx);
        if (q) removed.push(`${q} qdisc(s)`);
        const r = await this.rules.removeTag(ns, tag, ctx);
        if (r) removed.push(`${r} iptables rule(s)`);
      } catch (err) {
        if (!(err instanceof NetnsGoneError)) throw err;
      }
    }
    for (const p of findLatencyProxies(this.exec.proc, tag)) {
      if (p.inode !== undefined && p.inode !== inode) continue;
      await stopPid(p.pid);
      removed.push(`latency proxy pid ${p.pid}`);
    }
    return removed;
  }

  /**
   * The batched revert: one process lists rules and qdiscs, one script deletes the tag's qdiscs and
   * then (one atomic iptables-restore) its rules, ledger entries and the emptied ledger chain.
   * Works from what the namespace holds now, so anything tagged goes whatever the apply did.
   */
  private async revertBatched(ns: NetnsHandle, tag: string, ctx: ExecContext): Promise<string[]> {
    const [saveText = '', tcText = ''] = (await this.exec.run(ns, ['sh', '-c', `${this.rules.iptablesSave}; echo ${SEP}; tc qdisc show`], ctx)).split(`${SEP}\n`);
    const { mine, dropLedger } = tagState(saveText, tag);
    const ours = new Set(parseRootQdiscs(tcText).filter((q) => q.handle === QDISC_HANDLE).map((q) => q.dev));
    const devs = mine.filter((r) => r.chain === LEDGER_CHAIN).map(ledgerDevice).filter((d): d is string => d !== undefined && ours.has(d));
    const lines = [...this.qdiscs.removeLines(devs), ...this.rules.removeLines(mine, dropLedger)];
    if (lines.length) await this.rules.script(ns, lines, ctx);
    const rules = mine.filter((r) => r.chain !== LEDGER_CHAIN).length;
    return [...(devs.length ? [`${devs.length} qdisc(s)`] : []), ...(rules ? [`${rules} iptables rule(s)`] : [])];
  }

  /**
   * Every tagged artefact in every namespace on the node except the host's own: rules, ledger
   * entries (qdiscs) and latency proxies. The caller decides which runs are orphans.
   */
  async sweep(ctx: ExecContext): Promise<NetnsLeftover[]> {
    const host = hostNetnsInode(this.exec.proc);
    const byKey = new Map<string, NetnsLeftover & { what: string[] }>();
    const add = (inode: number, tag: string, what: string) => {
      const parsed = parseArtefactName(tag);
      if (!parsed) return;
      const key = `${inode}/${tag}`;
      const entry = byKey.get(key) ?? { inode, tag, ...parsed, what: [] };
      entry.what.push(what);
      byKey.set(key, entry);
    };
    const spaces = listNetns(this.exec.proc).filter((ns) => ns.inode !== host);
    // A node has hundreds of namespaces: list them a few at a time.
    let next = 0;
    const worker = async () => {
      while (next < spaces.length) {
        const ns = spaces[next++] as NetnsHandle;
        let rules;
        try {
          rules = await this.rules.list(ns, ctx);
        } catch (err) {
          // Gone meanwhile, or not enterable (not ours to sweep, e.g. the host's when pid 1 is hidden).
          if (err instanceof NetnsGoneError || err instanceof NetnsCommandError) continue;
          throw err;
        }
        for (const r of rules) add(ns.inode, r.tag, `${r.table}/${r.chain} ${r.args.join(' ')}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    for (const p of findLatencyProxies(this.exec.proc)) if (p.inode !== undefined) add(p.inode, p.tag, `latency proxy pid ${p.pid}`);
    return [...byKey.values()];
  }
}

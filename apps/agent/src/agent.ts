import { ConflictError, NotFoundError, ProviderError, artefactName, backoffMs, silentLogger, sleep, unverifiedEffect, type Clock, type FaultEffect, type Logger } from '@faultline/core';
import {
  NetnsFaults, findContainerNetns, preflight, type BandwidthParams, type LatencyParams, type LossParams, type NetnsHandle, type NetnsUndo,
  type NodeCapabilities, type PartitionParams, type NetnsFaultParams, type AgentFaultStatus,
} from '@faultline/netns';
import type { ApplyRequest, FaultKind } from './faults.js';
import { NodeJournal, type JournalEntry } from './journal/node-journal.js';

export interface AgentOptions {
  readonly journalDir: string;
  readonly clock: Clock;
  readonly log?: Logger;
  readonly netns?: NetnsFaults;
  /** How often leases are checked; the revert starts at most this long after expiry. Default 250ms. */
  readonly tickMs?: number;
  /** Per outside call (nsenter/iptables/tc). Default 15s. */
  readonly callTimeoutMs?: number;
  /** 'journal' (default): the start-up sweep removes tagged leftovers the journal knows; 'all': every tagged leftover on the node. */
  readonly sweep?: 'journal' | 'all';
  /** Bound of the effect measurement after each apply (probes from inside the namespace). Default 10s. */
  readonly effectTimeoutMs?: number;
  /** For tests: skip the preflight probe and use these. */
  readonly capabilities?: NodeCapabilities;
}

/** What the API returns for a fault: the contract's AgentFaultStatus, with what this agent always fills in made required. */
export interface FaultStatus extends AgentFaultStatus {
  readonly tag: string;
  readonly kind: FaultKind;
  readonly inode: number;
  readonly state: JournalEntry['state'];
  readonly leaseExpiresAtMs: number;
}

const status = (e: JournalEntry): FaultStatus => ({
  id: e.id, tag: e.tag, kind: e.kind, inode: e.inode, state: e.state, leaseExpiresAtMs: e.leaseExpiresAtMs,
  ...(e.mechanism !== undefined ? { mechanism: e.mechanism } : {}),
  ...(e.revertReason !== undefined ? { revertReason: e.revertReason } : {}),
  ...(e.effect !== undefined ? { effect: e.effect } : {}),
});

/**
 * The node agent's state machine, independent of HTTP: apply (journal first), renew, revert, and
 * the dead-man's switch — a fault whose lease is not renewed is reverted by the agent itself.
 * `start()` reverts whatever the journal says may still be applied (this agent died with it, so
 * nobody renews it any more), then sweeps tagged leftovers, then starts the lease loop.
 */
export class Agent {
  readonly journal: NodeJournal;
  readonly netns: NetnsFaults;
  private readonly log: Logger;
  private readonly clock: Clock;
  private caps: NodeCapabilities | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly busy = new Map<string, Promise<unknown>>();
  private stopping = false;

  constructor(private readonly opts: AgentOptions) {
    this.journal = new NodeJournal(opts.journalDir);
    this.netns = opts.netns ?? new NetnsFaults();
    this.log = opts.log ?? silentLogger;
    this.clock = opts.clock;
    this.caps = opts.capabilities;
  }

  private ctx() {
    return { signal: new AbortController().signal, timeoutMs: this.opts.callTimeoutMs ?? 15_000 };
  }

  async capabilities(): Promise<NodeCapabilities> {
    return (this.caps ??= await preflight());
  }

  /** Recover, sweep, start the lease loop. Resolves with what recovery and the sweep removed. */
  async start(): Promise<{ recovered: string[]; swept: string[] }> {
    await this.capabilities();
    const recovered: string[] = [];
    for (const e of this.journal.open()) {
      await this.revertWithRetry(e, 'agent-restart');
      recovered.push(e.id);
    }
    const swept: string[] = [];
    const known = new Set(this.journal.all().map((e) => e.tag));
    for (const left of await this.netns.sweep(this.ctx())) {
      const live = this.journal.open().some((e) => e.tag === left.tag);
      if (live || (this.opts.sweep !== 'all' && !known.has(left.tag))) {
        if (!live) this.log.warn({ tag: left.tag, netns: left.inode, what: left.what }, 'tagged leftover not in this agent\'s journal: left alone (start with --sweep=all to remove)');
        continue;
      }
      await this.netns.revert(left.inode, left.tag, this.ctx());
      swept.push(`${left.tag}@${left.inode}`);
    }
    const tick = this.opts.tickMs ?? 250;
    this.timer = setInterval(() => void this.expireLeases(), tick);
    this.log.info({ recovered: recovered.length, swept: swept.length }, 'agent started');
    return { recovered, swept };
  }

  list(): FaultStatus[] {
    return this.journal.all().map(status);
  }

  get(id: string): FaultStatus {
    const e = this.journal.get(id);
    if (!e) throw new NotFoundError(`no fault ${id} on this node`);
    return status(e);
  }

  /** Applies a fault. Idempotent by id: the same id returns the existing fault (renewing its lease). */
  async apply(req: ApplyRequest): Promise<FaultStatus> {
    if (this.stopping) throw new ConflictError('the agent is shutting down', { hint: 'retry against the restarted agent' });
    return this.serial(req.id, async () => {
      const existing = this.journal.get(req.id);
      if (existing && existing.state !== 'reverted') {
        this.journal.update(req.id, { leaseExpiresAtMs: this.clock.nowMs() + req.leaseMs });
        return status(existing);
      }
      const ns = findContainerNetns(req.containerId);
      if (!ns) {
        throw new NotFoundError(`container ${req.containerId} has no process on this node`, {
          hint: 'it is not running here (wrong node, or it exited); re-resolve the pod and ask the agent on its node',
        });
      }
      const caps = await this.capabilities();
      const tag = artefactName(req.runId, req.faultName);
      const mechanism = req.kind === 'latency' ? latencyMechanism(req.params as LatencyParams, caps) : undefined;
      const entry: JournalEntry = {
        id: req.id, tag, kind: req.kind, containerId: req.containerId, inode: ns.inode, params: req.params,
        state: 'applying', leaseExpiresAtMs: this.clock.nowMs() + req.leaseMs, ...(mechanism ? { mechanism } : {}),
      };
      this.journal.put(entry); // journal first: from here on, a crash leads to a revert
      try {
        const undo = await this.applyIn(ns, req, tag, mechanism);
        this.journal.update(req.id, { state: 'applied', mechanism: undo.mechanism });
        const effect = await this.measureEffect(ns, req, undo.mechanism);
        if (effect.status === 'ineffective') this.log.warn({ id: req.id, tag, effect: effect.detail }, 'fault applied but measured ineffective');
        return status(this.journal.update(req.id, { effect }));
      } catch (err) {
        await this.revertWithRetry(this.journal.get(req.id) as JournalEntry, 'apply-failed');
        throw err;
      }
    });
  }

  private applyIn(ns: NetnsHandle, req: ApplyRequest, tag: string, mechanism: 'netem' | 'proxy' | undefined): Promise<NetnsUndo> {
    const ctx = this.ctx();
    switch (req.kind) {
      case 'partition': return this.netns.applyPartition(ns, req.params as PartitionParams, tag, ctx);
      case 'packet-loss': return this.netns.applyLoss(ns, req.params as LossParams, tag, ctx);
      case 'bandwidth': return this.netns.applyBandwidth(ns, req.params as BandwidthParams, tag, ctx);
      case 'latency': return this.netns.applyLatency(ns, req.params as LatencyParams, mechanism ?? 'proxy', tag, ctx);
    }
  }

  /** The effect, measured from inside the namespace; a measurement that fails is `unverified`, never a failed apply. */
  private async measureEffect(ns: NetnsHandle, req: ApplyRequest, mechanism: NetnsUndo['mechanism']): Promise<FaultEffect> {
    const ctx = { signal: AbortSignal.timeout(this.opts.effectTimeoutMs ?? 10_000), timeoutMs: this.opts.effectTimeoutMs ?? 10_000 };
    try {
      return await this.netns.effect(ns, { kind: req.kind, params: req.params } as NetnsFaultParams, mechanism, ctx);
    } catch (err) {
      return unverifiedEffect(`the measurement failed: ${(err as Error).message}`);
    }
  }

  renew(id: string, leaseMs: number): FaultStatus {
    const e = this.journal.get(id);
    if (!e) throw new NotFoundError(`no fault ${id} on this node`);
    if (e.state === 'reverted') throw new ConflictError(`fault ${id} was already reverted (${e.revertReason ?? 'unknown'})`, { hint: 'a lease cannot be renewed after expiry; apply again if the experiment still wants the fault' });
    return status(this.journal.update(id, { leaseExpiresAtMs: this.clock.nowMs() + leaseMs }));
  }

  /** Reverts a fault on request. Idempotent: unknown or already reverted ids resolve. */
  async revert(id: string): Promise<FaultStatus | undefined> {
    const e = this.journal.get(id);
    if (!e) return undefined;
    await this.serial(id, () => this.revertWithRetry(e, 'request'));
    return status(e);
  }

  /** The dead-man's switch: revert every applied fault whose lease ran out. */
  async expireLeases(): Promise<void> {
    const now = this.clock.nowMs();
    for (const e of this.journal.open()) {
      if (e.leaseExpiresAtMs > now || this.busy.has(e.id)) continue;
      this.log.warn({ id: e.id, tag: e.tag, overdueMs: now - e.leaseExpiresAtMs }, 'lease expired: reverting');
      void this.serial(e.id, () => this.revertWithRetry(e, 'lease-expired')).catch((err: unknown) => this.log.error({ id: e.id, err: String(err) }, 'revert after lease expiry failed'));
    }
  }

  /** Stops the lease loop and reverts everything still applied (SIGTERM path). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([...this.busy.values()]);
    for (const e of this.journal.open()) await this.revertWithRetry(e, 'shutdown').catch(() => undefined);
  }

  /** Reverts until it succeeds (backoff up to 5s between tries, 20 tries); marks the entry reverted only then. */
  private async revertWithRetry(e: JournalEntry, reason: string): Promise<void> {
    if (e.state === 'reverted') return;
    for (let attempt = 0; ; attempt++) {
      try {
        const removed = await this.netns.revert(e.inode, e.tag, this.ctx());
        this.journal.update(e.id, { state: 'reverted', revertReason: reason });
        this.log.info({ id: e.id, tag: e.tag, reason, removed }, 'fault reverted');
        return;
      } catch (err) {
        this.journal.update(e.id, { lastError: String(err) });
        if (attempt >= 19) throw new ProviderError(`revert of ${e.id} (${e.tag}) keeps failing: ${String(err)}`, { cause: err, hint: 'the journal keeps it; the next agent start retries' });
        await sleep(backoffMs(attempt, { initialMs: 100, maxMs: 5_000 }));
      }
    }
  }

  /** One operation per fault id at a time. */
  private serial<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.busy.get(id) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    // The caller gets `next` (with its error); the bookkeeping copy must never be an unhandled rejection.
    const tracked: Promise<unknown> = next.then(() => undefined, () => undefined).finally(() => { if (this.busy.get(id) === tracked) this.busy.delete(id); });
    this.busy.set(id, tracked);
    return next;
  }
}

function latencyMechanism(p: LatencyParams, caps: NodeCapabilities): 'netem' | 'proxy' {
  const asked = p.mechanism ?? 'auto';
  if (asked === 'netem' && !caps.netem) {
    throw new ProviderError('latency: mechanism netem was asked for, but this node\'s kernel has no sch_netem', {
      hint: 'modprobe sch_netem on the node (Ubuntu: linux-modules-extra-$(uname -r)), or use mechanism auto/proxy with IPv4:port destinations',
    });
  }
  return asked === 'auto' ? (caps.netem ? 'netem' : 'proxy') : asked;
}

import type { Logger } from '@faultline/core';
import type { AgentFaultStatus } from '@faultline/netns';
import { agentMessage, type AgentClient } from './agent-client.js';

interface Renewal {
  timer: NodeJS.Timeout | undefined;
  stopped: boolean;
}

/**
 * Keeps each agent lease alive while the run holds the fault: a renewal every third of the lease, each
 * bounded by that third (so two may fail before the lease runs out). A failed renewal is logged and the
 * next one tried; an agent that answers 404/409 has already reverted (lease lost), which is logged as an
 * error and ends the renewals. When this process dies the renewals stop, and the agent reverts by itself
 * at expiry: that is the dead-man's switch. Timers are unref'd; they never keep a process alive.
 */
export class LeaseRenewals {
  private readonly renewals = new Map<string, Renewal>();

  constructor(private readonly client: AgentClient) {}

  /** Starts (or restarts) renewing `id` on `endpoint`; `maxRenewals` bounds it when the fault's planned duration is known. */
  start(id: string, endpoint: string, leaseMs: number, log: Logger, maxRenewals = Infinity): void {
    this.stop(id);
    const everyMs = Math.max(250, Math.floor(leaseMs / 3));
    const r: Renewal = { timer: undefined, stopped: false };
    this.renewals.set(id, r);
    let done = 0;
    const tick = async (): Promise<void> => {
      if (r.stopped) return;
      if (done++ >= maxRenewals) {
        log.warn({ id, endpoint }, 'agent lease renewals reached the fault\'s planned duration plus margin; letting the lease run out');
        this.renewals.delete(id);
        return;
      }
      try {
        const signal = new AbortController().signal;
        const res = await this.client.once<AgentFaultStatus>(endpoint, 'POST', `/v1/faults/${encodeURIComponent(id)}/renew`, { leaseMs }, { signal, timeoutMs: everyMs });
        if (res.status === 404 || res.status === 409) {
          log.error({ id, endpoint, status: res.status, agent: agentMessage(res.body) }, 'agent lease lost: the agent already reverted this fault (renewals came too late or the agent restarted)');
          r.stopped = true;
          this.renewals.delete(id);
          return;
        }
        if (res.status !== 200) log.warn({ id, endpoint, status: res.status, agent: agentMessage(res.body) }, 'agent lease renewal refused; retrying at the next renewal');
      } catch (err) {
        log.warn({ id, endpoint, err: String(err) }, 'agent lease renewal failed; retrying at the next renewal (the agent reverts at lease expiry if none arrives)');
      }
      if (!r.stopped) {
        r.timer = setTimeout(() => void tick(), everyMs);
        r.timer.unref();
      }
    };
    r.timer = setTimeout(() => void tick(), everyMs);
    r.timer.unref();
  }

  stop(id: string): void {
    const r = this.renewals.get(id);
    if (!r) return;
    r.stopped = true;
    if (r.timer) clearTimeout(r.timer);
    this.renewals.delete(id);
  }

  /** Ids currently renewed (tests, diagnostics). */
  active(): string[] {
    return [...this.renewals.keys()];
  }
}

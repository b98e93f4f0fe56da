import { silentLogger, systemClock, type Clock, type JournalEvent, type JournalEventBody, type Logger, type NotifyEvent, type NotifySpec, type SecretResolver } from '@faultline/core';
import { deliverNotice } from './deliver.js';
import type { RunNotice } from './payloads.js';

export interface RunNotifierOptions {
  readonly specs: readonly NotifySpec[];
  readonly experiment: string;
  readonly secrets: SecretResolver;
  /** Reports failed deliveries in the run (a journal note). Must not throw. */
  readonly report: (body: JournalEventBody) => Promise<void>;
  readonly clock?: Clock;
  readonly log?: Logger;
  /** Hosts webhooks may call (the controller's --allow-host list); undefined allows any. */
  readonly allowHosts?: readonly string[];
}

/** The notice a journal event stands for, if any. */
export function noticeOf(e: JournalEvent, experiment: string): RunNotice | undefined {
  const base = { runId: e.runId, experiment, at: e.at };
  switch (e.type) {
    case 'run-created':
      return { ...base, event: 'started' };
    case 'guard-breach':
      return { ...base, event: 'guard-breach', guard: e.guard, reason: e.result.reason };
    case 'verdict': {
      const event: NotifyEvent = e.outcome === 'completed' || e.outcome === 'deviated' ? 'completed' : e.outcome;
      return { ...base, event, outcome: e.outcome, reason: e.reason };
    }
    default:
      return undefined;
  }
}

/**
 * Sends run events to the experiment's webhooks in the background: `observe` never waits, so a slow or
 * failing webhook cannot delay injection, guards or reverts. `flush` waits for deliveries in flight
 * (each bounded by its timeout and retries) so the last notice is not lost when the process exits.
 */
export class RunNotifier {
  private readonly pending = new Set<Promise<void>>();
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(private readonly opts: RunNotifierOptions) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? silentLogger;
  }

  observe(event: JournalEvent): void {
    const notice = noticeOf(event, this.opts.experiment);
    if (!notice) return;
    for (const spec of this.opts.specs) {
      if (!spec.on.includes(notice.event)) continue;
      const p = deliverNotice(spec, notice, { secrets: this.opts.secrets, clock: this.clock, ...(this.opts.allowHosts ? { allowHosts: this.opts.allowHosts } : {}) }).then(async (r) => {
        if (r.ok) {
          this.log.debug({ runId: event.runId, notify: spec.name, event: notice.event, attempts: r.attempts }, 'notification delivered');
          return;
        }
        this.log.warn({ runId: event.runId, notify: spec.name, event: notice.event, err: r.error }, 'notification failed');
        await this.opts.report({
          type: 'note',
          message: `notify "${spec.name}": could not deliver ${notice.event} after ${r.attempts} attempt${r.attempts === 1 ? '' : 's'}: ${r.error ?? 'unknown error'}`,
          data: { notify: spec.name, event: notice.event, delivered: false, attempts: r.attempts, ...(r.status !== undefined ? { status: r.status } : {}) },
        });
      }).catch((err: unknown) => this.log.error({ err }, 'notification bookkeeping failed')).finally(() => this.pending.delete(p));
      this.pending.add(p);
    }
  }

  async flush(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }
}

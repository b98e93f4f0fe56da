import { silentLogger, systemClock, type Clock, type Logger, type NotifySpec, type SecretResolver } from '@faultline/core';
import { deliverPayload } from '@faultline/engine';
import type { DayNotifyEvent, GameDay } from '../model.js';
import type { DayEvent } from '../journal/day-events.js';
import { dayNoticePayloads, dayNoticesOf, type DayNotice } from './day-notices.js';

export interface DayNotifierOptions {
  readonly specs: readonly NotifySpec<DayNotifyEvent>[];
  readonly day: GameDay;
  readonly unattended: boolean;
  readonly secrets: SecretResolver;
  /** Reports a failed delivery in the day (the runner journals it as a note). Must not throw. */
  readonly report: (text: string) => Promise<void>;
  readonly clock?: Clock;
  readonly log?: Logger;
  /** Hosts webhooks may call (the controller's --allow-host list); undefined allows any. */
  readonly allowHosts?: readonly string[];
  /** The day waits for a start time: `day-started` goes out when the runner calls `started`, not at creation. */
  readonly startsLater?: boolean;
}

/**
 * Tells a game day's webhooks about it, in the background, through the engine's one webhook sender
 * (per-attempt timeout, retries with backoff, HMAC signing, secret-reference URLs resolved per delivery,
 * allow-list): `observe` never waits, so a slow webhook cannot delay a step or a revert. `flush` waits
 * for deliveries in flight, each bounded by its timeout and retries.
 */
export class DayNotifier {
  private readonly pending = new Set<Promise<void>>();
  private readonly log: Logger;

  constructor(private readonly opts: DayNotifierOptions) {
    this.log = opts.log ?? silentLogger;
  }

  /** Heads-up for the webhooks whose `headsUp` lead time has come (the runner calls it from its start wait). */
  headsUp(dayId: string, startsAt: Date, specs: readonly NotifySpec<DayNotifyEvent>[]): void {
    const d = this.opts.day;
    const notice = { event: 'heads-up' as const, dayId, day: d.metadata.name, at: (this.opts.clock ?? systemClock).now().toISOString(), steps: d.spec.steps.length, startsAt: startsAt.toISOString(), ...(d.metadata.facilitator ? { facilitator: d.metadata.facilitator } : {}) };
    for (const spec of specs) this.send(dayId, spec, notice);
  }

  /** A day that waited for its start time begins its steps now. */
  started(dayId: string): void {
    const d = this.opts.day;
    const notice = { event: 'day-started' as const, dayId, day: d.metadata.name, at: (this.opts.clock ?? systemClock).now().toISOString(), steps: d.spec.steps.length, ...(d.metadata.facilitator ? { facilitator: d.metadata.facilitator } : {}) };
    for (const spec of this.opts.specs) if (spec.on.includes('day-started')) this.send(dayId, spec, notice);
  }

  observe(e: DayEvent): void {
    for (const notice of dayNoticesOf(e, this.opts.day, this.opts.unattended)) {
      for (const spec of this.opts.specs) {
        if (notice.event === 'day-started' && this.opts.startsLater) continue;
        if (spec.on.includes(notice.event)) this.send(e.dayId, spec, notice);
      }
    }
  }

  private send(dayId: string, spec: NotifySpec<DayNotifyEvent>, notice: DayNotice): void {
    const p = deliverPayload(spec, dayNoticePayloads(notice), {
      secrets: this.opts.secrets, clock: this.opts.clock ?? systemClock, ...(this.opts.allowHosts ? { allowHosts: this.opts.allowHosts } : {}),
    }).then(async (r) => {
      if (r.ok) return;
      this.log.warn({ dayId, notify: spec.name, event: notice.event, err: r.error }, 'game-day notification failed');
      await this.opts.report(`notify "${spec.name}": could not deliver ${notice.event} after ${r.attempts} attempt${r.attempts === 1 ? '' : 's'}: ${r.error ?? 'unknown error'}`);
    }).catch((err: unknown) => this.log.error({ err }, 'game-day notification bookkeeping failed')).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  async flush(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }
}

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { JournalEvent } from '@faultline/core';

/** Controller metrics, fed from journal events (the same stream reports are built from). */
export class ControllerMetrics {
  readonly registry = new Registry();
  private readonly runs = new Counter({ name: 'faultline_runs_total', help: 'Runs that reached an outcome', labelNames: ['outcome'], registers: [this.registry] });
  private readonly runsActive = new Gauge({ name: 'faultline_runs_active', help: 'Runs hosted by this controller right now', registers: [this.registry] });
  private readonly runsByState = new Gauge({ name: 'faultline_runs_in_state', help: 'Active runs per state', labelNames: ['state'], registers: [this.registry] });
  private readonly faultsActive = new Gauge({ name: 'faultline_active_faults', help: 'Fault targets injected and not yet confirmed reverted', registers: [this.registry] });
  private readonly breaches = new Counter({ name: 'faultline_guard_breaches_total', help: 'Guard breaches that aborted a run', labelNames: ['guard'], registers: [this.registry] });
  private readonly retries = new Counter({ name: 'faultline_revert_retries_total', help: 'Failed revert attempts (each is retried)', registers: [this.registry] });
  private readonly timeToRevert = new Histogram({
    name: 'faultline_time_to_revert_seconds', help: 'From abort decision (or hold end) to every fault reverted',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [this.registry],
  });
  private readonly revertPending = new Gauge({
    name: 'faultline_runs_revert_pending', help: 'Runs owned by this replica whose revert has not succeeded yet (retried with backoff)', registers: [this.registry],
  });
  private readonly adopted = new Counter({ name: 'faultline_runs_adopted_total', help: 'Runs this replica adopted because their owner stopped renewing its lease', registers: [this.registry] });
  private readonly states = new Map<string, string>();
  private active = 0;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'faultline_process_' });
  }

  runStarted(): void {
    this.runsActive.set(++this.active);
  }
  runEnded(): void {
    this.runsActive.set(Math.max(0, --this.active));
  }

  setRevertPending(n: number): void {
    this.revertPending.set(n);
  }
  runAdopted(): void {
    this.adopted.inc();
  }

  observe(e: JournalEvent): void {
    switch (e.type) {
      case 'transition': {
        const prev = this.states.get(e.runId);
        if (prev) this.runsByState.dec({ state: prev });
        if (['completed', 'deviated', 'aborted', 'failed'].includes(e.to)) this.states.delete(e.runId);
        else {
          this.states.set(e.runId, e.to);
          this.runsByState.inc({ state: e.to });
        }
        break;
      }
      case 'fault-injecting':
        this.faultsActive.inc();
        break;
      case 'fault-reverted':
        this.faultsActive.dec();
        break;
      case 'fault-revert-failed':
        this.retries.inc();
        break;
      case 'guard-breach':
        this.breaches.inc({ guard: e.guard });
        break;
      case 'verdict':
        this.runs.inc({ outcome: e.outcome });
        if (e.timings.timeToRevertMs !== undefined) this.timeToRevert.observe(e.timings.timeToRevertMs / 1000);
        break;
      default:
        break;
    }
  }
}

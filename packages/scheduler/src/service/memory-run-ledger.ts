import { ConflictError, newRunId, type LeaseStore } from '@faultline/core';
import type { FireTicket, StartRun, StoredSchedule } from './schedule-source.js';

export interface LedgerRun {
  readonly runId: string;
  readonly scheduleId: string;
  readonly experiment: string;
  readonly slot: Date;
  readonly fencingToken: number;
  readonly idempotencyKey: string;
  active: boolean;
}

/**
 * What a run store does for the scheduler, in memory: starts runs under a fencing token, rejects a
 * token older than the newest seen (or no longer current) with ConflictError, and answers a repeated
 * idempotency key with the existing run. For tests and benchmarks.
 */
export interface MemoryRunLedger {
  readonly startRun: StartRun;
  activeRunOf(scheduleId: string): Promise<string | undefined>;
  /** Marks a run finished (no longer active). */
  finish(runId: string): void;
  readonly runs: readonly LedgerRun[];
}

export function createMemoryRunLedger(options: { leases: LeaseStore; leaseName: string }): MemoryRunLedger {
  const runs: LedgerRun[] = [];
  const byKey = new Map<string, LedgerRun>();
  const runsBySchedule = new Map<string, LedgerRun[]>();
  const byRunId = new Map<string, LedgerRun>();
  let newestToken = 0;
  const startRun = async (stored: StoredSchedule, ticket: FireTicket) => {
    if (ticket.fencingToken < newestToken || !(await options.leases.isCurrent(options.leaseName, ticket.fencingToken))) {
      throw new ConflictError(
        `fencing token ${ticket.fencingToken} of schedule ${stored.scheduleId} is stale (newest ${newestToken}); another scheduler holds the lease "${options.leaseName}"`,
      );
    }
    newestToken = ticket.fencingToken;
    const existing = byKey.get(ticket.idempotencyKey);
    if (existing) return { runId: existing.runId, duplicate: true };
    const run: LedgerRun = {
      runId: newRunId(),
      scheduleId: stored.scheduleId,
      experiment: stored.schedule.spec.experiment,
      slot: ticket.slot,
      fencingToken: ticket.fencingToken,
      idempotencyKey: ticket.idempotencyKey,
      active: true,
    };
    runs.push(run);
    byKey.set(ticket.idempotencyKey, run);
    byRunId.set(run.runId, run);
    const ofSchedule = runsBySchedule.get(run.scheduleId);
    if (ofSchedule) ofSchedule.push(run);
    else runsBySchedule.set(run.scheduleId, [run]);
    return { runId: run.runId };
  };
  return {
    startRun,
    async activeRunOf(scheduleId) {
      // Indexed by schedule: with 10,000 schedules a scan of every run per check was quadratic.
      const ofSchedule = runsBySchedule.get(scheduleId) ?? [];
      const newest = ofSchedule.at(-1);
      if (newest?.active) return newest.runId;
      return ofSchedule.find((r) => r.active)?.runId;
    },
    finish(runId) {
      const run = byRunId.get(runId);
      if (run) run.active = false;
    },
    runs,
  };
}

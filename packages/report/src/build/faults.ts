import type { JournalEvent, Target } from '@faultline/core';
import type { AffectedTarget, FaultTargetReport, TargetRef } from '../report-schema.js';
import { defined, msBetween } from './time.js';

type FaultRow = FaultTargetReport;
type FaultEvent = Extract<
  JournalEvent,
  { type: 'fault-injecting' | 'fault-injected' | 'fault-effect' | 'fault-inject-failed' | 'fault-reverting' | 'fault-reverted' | 'fault-revert-failed' }
>;

/** A target as reports show it: without `ref`, which is provider-internal revert data. */
export function targetRef(t: Target): TargetRef {
  return defined({ id: t.id, kind: t.kind, name: t.name, namespace: t.namespace, labels: { ...t.labels } });
}

/** Per fault and target: inject and revert attempts, errors and durations, in first-injected order. */
export class FaultLedger {
  private readonly rows = new Map<string, FaultRow>();

  constructor(private readonly warnings: string[]) {}

  apply(e: FaultEvent): void {
    if (e.type === 'fault-injecting') {
      const existing = this.rows.get(key(e.fault, e.target.id));
      if (existing) {
        existing.inject.attempts += 1;
        existing.phase = 'injecting';
        return;
      }
      this.rows.set(key(e.fault, e.target.id), {
        fault: e.fault, faultType: e.faultType, target: targetRef(e.target), params: e.params, phase: 'injecting',
        inject: { attempts: 1, startedAt: e.at, errors: [] },
        revert: { attempts: 0, errors: [] },
      });
      return;
    }
    const row = this.rows.get(key(e.fault, e.targetId));
    if (!row) {
      this.warnings.push(`event #${e.seq} (${e.type}) names fault "${e.fault}" on "${e.targetId}" that was never journaled as injecting`);
      return;
    }
    switch (e.type) {
      case 'fault-injected':
        row.phase = 'injected';
        row.inject.injectedAt = e.at;
        row.inject.durationMs = e.durationMs;
        break;
      case 'fault-effect':
        row.effect = { ...e.effect };
        break;
      case 'fault-inject-failed':
        row.phase = 'inject-failed';
        row.inject.errors.push({ at: e.at, error: { ...e.error } });
        break;
      case 'fault-reverting':
        row.phase = 'reverting';
        row.revert.attempts = Math.max(row.revert.attempts, e.attempt);
        row.revert.startedAt ??= e.at;
        break;
      case 'fault-reverted':
        row.phase = 'reverted';
        row.revert.attempts = Math.max(row.revert.attempts, e.attempt);
        row.revert.revertedAt = e.at;
        row.revert.durationMs = e.durationMs;
        if (e.by) row.revert.by = e.by;
        row.revert.totalMs = msBetween(row.revert.startedAt ?? e.at, e.at);
        row.activeMs = msBetween(row.inject.startedAt, e.at);
        break;
      case 'fault-revert-failed':
        row.phase = 'revert-failed';
        row.revert.attempts = Math.max(row.revert.attempts, e.attempt);
        row.revert.errors.push({ attempt: e.attempt, at: e.at, error: { ...e.error } });
        break;
    }
  }

  faults(): FaultTargetReport[] {
    return [...this.rows.values()];
  }

  /** Every target touched, with the faults on it; `clean` only when every one is confirmed reverted. */
  targets(): AffectedTarget[] {
    const byTarget = new Map<string, AffectedTarget & { faults: string[] }>();
    for (const row of this.rows.values()) {
      const t = byTarget.get(row.target.id) ?? { ...row.target, faults: [], clean: true };
      if (!t.faults.includes(row.fault)) t.faults.push(row.fault);
      byTarget.set(row.target.id, { ...t, clean: t.clean && row.phase === 'reverted' });
    }
    return [...byTarget.values()];
  }
}

function key(fault: string, targetId: string): string {
  return `${fault}\u0000${targetId}`;
}

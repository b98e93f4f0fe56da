import type { JournalEvent } from '@faultline/core';
import type { PhaseReport } from '../report-schema.js';
import { defined, msBetween } from './time.js';

type Transition = Extract<JournalEvent, { type: 'transition' }>;

/**
 * Turns transitions into phases with start and end. The run starts in `pending` when it is created;
 * each transition closes the current phase and opens the next.
 */
export function buildPhases(startedAt: string, transitions: readonly Transition[], warnings: string[]): PhaseReport[] {
  const phases: PhaseReport[] = [];
  let current: { state: string; startedAt: string; reason?: string } = { state: 'pending', startedAt };
  for (const t of transitions) {
    if (t.from !== current.state) {
      warnings.push(`event #${t.seq} moves the run from "${t.from}" but the journal had it in "${current.state}"`);
    }
    phases.push(defined({ ...current, endedAt: t.at, durationMs: msBetween(current.startedAt, t.at) }));
    current = defined({ state: t.to, startedAt: t.at, reason: t.reason });
  }
  phases.push(defined(current));
  return phases;
}

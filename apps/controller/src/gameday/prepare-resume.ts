import { ConflictError, NotFoundError, UsageError, isTerminal, type JsonObject } from '@faultline/core';
import { replayDay, type DayJournal, type GameDay, type RecoveredStep, type ResumeDecision, type StepStatus } from '@faultline/gameday';
import type { Store } from '@faultline/store';
import type { RunHost } from '../run-host.js';

export interface PreparedResume {
  day: GameDay;
  fromStep: number;
  statuses: Map<number, StepStatus>;
  recovered: RecoveredStep[];
  /** As the day was started. */
  unattended: boolean;
}

/**
 * The controller's half of resuming a stopped day (the caller holds the day's lease, `token`). The step
 * that was in flight is closed only once its run is over: run adoption reverts the run of a replica that
 * went away (one scan is triggered here); a run that is still live elsewhere or revert-pending refuses
 * the resume, so a day never goes on while a fault of its previous step may be active.
 */
export async function prepareResume(opts: { dayId: string; store: Store; runHost: RunHost; journal: DayJournal; token: number; decision: ResumeDecision }): Promise<PreparedResume> {
  const { dayId, store } = opts;
  const events = await opts.journal.read(dayId).catch(() => { throw new NotFoundError(`game day ${dayId} does not exist`); });
  const before = replayDay(events);
  if (!before.day) throw new ConflictError(`game day ${dayId} has no day-created entry; its journal is damaged`);
  if (before.ended) throw new ConflictError(`game day ${dayId} already ended ${before.ended.outcome}`);
  const flight = before.inFlight;
  if (opts.decision === 'retry' && !flight) throw new UsageError('nothing to retry: no step was in flight when the day stopped', { hint: 'resume with decision continue or end' });
  const recovered: RecoveredStep[] = [];
  if (flight) {
    let r: RecoveredStep;
    if (flight.runId === undefined) {
      r = { step: flight.step, action: 'nothing-to-revert', detail: 'the step had not started a run', faults: [] };
    } else {
      let run = await store.getRun(flight.runId);
      if (run && !isTerminal(run.state)) {
        await opts.runHost.adoptionScan();
        run = await store.getRun(flight.runId);
      }
      if (run?.state === 'revert-pending') {
        throw new ConflictError(`run ${flight.runId} of step ${flight.step + 1} is revert-pending: ${run.reason ?? 'a fault could not be reverted'}`, { hint: 'the controller keeps retrying its revert; resume the day once the run ended' });
      }
      if (run && !isTerminal(run.state)) {
        throw new ConflictError(`run ${flight.runId} of step ${flight.step + 1} is still ${run.state} (owner ${run.owner?.replica ?? 'none'}, lease until ${run.owner?.expiresAt ?? '?'})`, {
          hint: 'run adoption reverts it once its owner\'s lease expires; resume the day after that',
        });
      }
      r = run
        ? { step: flight.step, runId: flight.runId, action: 'reverted', detail: `run ${flight.runId} ended ${run.outcome ?? run.state}: ${run.reason ?? ''}`.trim(), faults: [] }
        : { step: flight.step, runId: flight.runId, action: 'no-run-journal', detail: 'the controller stopped before the run was created; nothing was injected', faults: [] };
    }
    recovered.push(r);
    await store.appendDayEvent(dayId, {
      type: 'step-ended', step: flight.step, status: 'aborted', by: 'recover',
      reason: `the controller driving the day stopped during this step; ${r.detail}`,
      ...(flight.runId ? { runId: flight.runId, outcome: 'aborted' } : {}),
    } as JsonObject, { token: opts.token });
  }
  const after = replayDay(await opts.journal.read(dayId));
  const created = events.find((e) => e.type === 'day-created');
  return {
    day: before.day,
    fromStep: opts.decision === 'retry' && flight ? flight.step : after.nextStep,
    statuses: after.statuses,
    recovered,
    unattended: created?.type === 'day-created' ? created.unattended : false,
  };
}

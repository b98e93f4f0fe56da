import os from 'node:os';
import {
  ConflictError, NotFoundError, systemClock, type Clock, type JournalSink, type JournalSource, type Logger, type Registry,
} from '@faultline/core';
import { recover } from '@faultline/engine';
import type { DayEvent, DayJournal, RecoveredStep } from '../journal/day-events.js';
import { replayDay, type ReplayedDay } from '../journal/replay-day.js';

export interface RecoverDayOptions {
  dayId: string;
  journal: DayJournal;
  /** The run journal the day's experiment steps wrote to. */
  runs: JournalSource & JournalSink;
  registry: Registry;
  clock?: Clock;
  log?: Logger;
  /** Recover even if the process that ran the day still seems alive on this host. */
  force?: boolean;
}

export interface RecoveredDay {
  events: DayEvent[];
  replayed: ReplayedDay;
  /** The step that was in flight, and what reverting it did. */
  recovered?: RecoveredStep;
  /** True when a fault could not be reverted: the day must not go on. */
  pending: boolean;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * First half of `gameday resume`: reads the day's journal and reverts the step a stopped process left
 * in flight, from that step's run journal alone. The in-flight step is then journaled as aborted, so
 * the state is consistent whatever the facilitator decides next. If a fault could not be reverted,
 * nothing is written for the step and `pending` is true (recover again before going on).
 * @throws NotFoundError for an unknown day, ConflictError for a day that ended or is still running.
 */
export async function recoverDay(opts: RecoverDayOptions): Promise<RecoveredDay> {
  const clock = opts.clock ?? systemClock;
  let events: DayEvent[];
  try {
    events = await opts.journal.read(opts.dayId);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`no game day ${opts.dayId} in this state directory`, { hint: 'list days with `faultline gameday list`' });
    throw err;
  }
  const replayed = replayDay(events);
  if (!replayed.day) throw new ConflictError(`game day ${opts.dayId} has no day-created entry; its journal is damaged`);
  if (replayed.ended) throw new ConflictError(`game day ${opts.dayId} already ended ${replayed.ended.outcome}: ${replayed.ended.reason}`, { hint: 'start a new day with `faultline gameday run FILE`' });
  if (!opts.force && replayed.host === os.hostname() && replayed.pid !== undefined && replayed.pid !== process.pid && alive(replayed.pid)) {
    throw new ConflictError(`game day ${opts.dayId} is still running in process ${replayed.pid}`, { hint: 'stop it (Ctrl-C reverts) or pass --force if that process is not Faultline' });
  }
  const flight = replayed.inFlight;
  if (!flight) return { events, replayed, pending: false };
  let recovered: RecoveredStep;
  if (flight.runId === undefined) {
    recovered = { step: flight.step, action: 'nothing-to-revert', detail: 'the step had not started a run', faults: [] };
  } else {
    const exists = await opts.runs.read(flight.runId).then(() => true, () => false);
    if (!exists) {
      recovered = { step: flight.step, runId: flight.runId, action: 'no-run-journal', detail: 'the process stopped before the run wrote its first entry; nothing was injected', faults: [] };
    } else {
      const [run] = await recover({ registry: opts.registry, source: opts.runs, sink: opts.runs, clock, runIds: [flight.runId], force: true, ...(opts.log ? { log: opts.log } : {}) });
      recovered = run
        ? { step: flight.step, runId: flight.runId, action: run.action, detail: run.detail, faults: run.faults }
        : { step: flight.step, runId: flight.runId, action: 'nothing-to-revert', detail: 'the run had already ended', faults: [] };
    }
  }
  if (recovered.action === 'revert-pending' || recovered.action === 'skipped-alive' || recovered.action === 'error') return { events, replayed, recovered, pending: true };
  const reverted = recovered.faults.filter((f) => f.reverted).length;
  const ended = await opts.journal.append(opts.dayId, {
    type: 'step-ended', step: flight.step, status: 'aborted', by: 'recover',
    reason: `the process running the day stopped during this step; ${reverted ? `recover reverted ${reverted} fault(s)` : recovered.detail}`,
    ...(flight.runId ? { runId: flight.runId, outcome: 'aborted' as const } : {}),
  });
  events.push(ended);
  return { events, replayed: replayDay(events), recovered, pending: false };
}

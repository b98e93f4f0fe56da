import type { DayOutcome, GameDay, StepStatus } from '../model.js';
import type { DayEvent } from './day-events.js';

export interface ReplayedDay {
  day?: GameDay;
  /** Status of every step that ended. */
  statuses: Map<number, StepStatus>;
  /** A step that started and did not end (the process stopped mid-step), with its run if it had one. */
  inFlight?: { step: number; runId?: string };
  /** The next step that never started. */
  nextStep: number;
  ended?: { outcome: DayOutcome; reason: string };
  pid?: number;
  host?: string;
}

/** Rebuilds a day's state from its journal alone (resume, reports, the controller after a restart). */
export function replayDay(events: readonly DayEvent[]): ReplayedDay {
  const out: ReplayedDay = { statuses: new Map(), nextStep: 0 };
  let started: { step: number; runId?: string } | undefined;
  for (const e of events) {
    switch (e.type) {
      case 'day-created':
        out.day = e.day;
        out.pid = e.pid;
        out.host = e.host;
        break;
      case 'resumed':
        out.pid = e.pid;
        out.host = e.host;
        break;
      case 'step-started':
        started = { step: e.step };
        out.nextStep = Math.max(out.nextStep, e.step + 1);
        break;
      case 'step-run':
        if (started?.step === e.step) started.runId = e.runId;
        break;
      case 'step-ended':
        out.statuses.set(e.step, e.status);
        if (started?.step === e.step) started = undefined;
        out.nextStep = Math.max(out.nextStep, e.step + 1);
        break;
      case 'day-ended':
        out.ended = { outcome: e.outcome, reason: e.reason };
        break;
      default:
        break;
    }
  }
  if (started) out.inFlight = started;
  return out;
}

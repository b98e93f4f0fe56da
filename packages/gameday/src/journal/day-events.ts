import type { Json, Outcome, RunTimings } from '@faultline/core';
import type { DayOutcome, GameDay, GateAnswer, StepKind, StepStatus } from '../model.js';

type E<T extends string, B> = { type: T } & B;

/** Who did something: a person's name, 'facilitator', 'default' (a gate's default), 'recover'. */
export type Actor = string;

/** What a game day writes to its journal, in order. Everything but guard observations is fsync'ed. */
export type DayEventBody =
  | E<'day-created', { day: GameDay; source: string; host: string; pid: number; unattended: boolean; origin?: DayOrigin }>
  /** The day was started with a start time: steps begin then (heads-up notices go out before). */
  | E<'day-waiting', { startsAt: string }>
  | E<'step-started', { step: number; kind: StepKind; title: string }>
  /** Written before the engine starts the run, so a crash right after still names the run to recover. */
  | E<'step-run', { step: number; runId: string }>
  | E<'gate-answered', { step: number; answer: GateAnswer; note?: string; by: Actor; defaulted?: 'timeout' | 'unattended' }>
  | E<'checklist-ticked', { step: number; item: number; text: string; by: Actor }>
  | E<'note', { step?: number; text: string; by: Actor }>
  | E<'guard-observation', { guard: string; ok: boolean; observed: Json; reason: string; consecutiveFailures: number }>
  | E<'day-guard-breach', { guard: string; reason: string; step?: number }>
  | E<'step-ended', {
    step: number; status: StepStatus; reason: string; by?: Actor;
    runId?: string; outcome?: Outcome; expected?: string; timings?: RunTimings;
  }>
  | E<'halt', { by: Actor; reason: string; step?: number }>
  | E<'resumed', { by: Actor; pid: number; host: string; fromStep: number; decision: ResumeDecision; recovered: RecoveredStep[] }>
  | E<'day-ended', { outcome: DayOutcome; reason: string }>;

export type DayEventType = DayEventBody['type'];
export type DayEvent = DayEventBody & { readonly seq: number; readonly at: string; readonly dayId: string };

/** A day started from a past day's plan: a rerun from one of its steps, or a clone (all steps). */
export interface DayOrigin {
  kind: 'rerun' | 'clone';
  dayId: string;
  /** 0-based: steps before it are journaled skipped in the new day. */
  fromStep: number;
}

/** What the facilitator chose when resuming a day that stopped mid-step. */
export type ResumeDecision = 'continue' | 'retry' | 'end';

export interface RecoveredStep {
  step: number;
  runId?: string;
  action: 'reverted' | 'nothing-to-revert' | 'revert-pending' | 'skipped-alive' | 'error' | 'no-run-journal';
  detail: string;
  faults: { fault: string; target: string; reverted: boolean }[];
}

/** Where a game day's events go and come from (a file per day locally, the store on a controller). */
export interface DayJournal {
  append(dayId: string, body: DayEventBody): Promise<DayEvent>;
  read(dayId: string): Promise<DayEvent[]>;
  listDays(): Promise<string[]>;
}

/** A new game-day id: `d` + 12 base-36 characters (run ids start with `r`). */
export function newDayId(random: () => number = Math.random): string {
  let s = 'd';
  for (let i = 0; i < 12; i++) s += Math.floor(random() * 36).toString(36);
  return s;
}
export const DAY_ID_RE = /^d[0-9a-z]{12}$/;

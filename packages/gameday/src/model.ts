import type { Experiment, GuardSpec, NotifySpec, Outcome } from '@faultline/core';

/** What a facilitator answers at a gate: go on, skip the next step, or end the day here. */
export const gateAnswers = ['go', 'skip', 'no-go'] as const;
export type GateAnswer = (typeof gateAnswers)[number];

/** Verdicts a team may expect from an experiment step (`aborted` = "the guard or the alert fires"). */
export const expectableOutcomes = ['completed', 'deviated', 'aborted', 'failed'] as const;
export type ExpectedOutcome = (typeof expectableOutcomes)[number];

/**
 * What a game day's `notify:` webhooks can be told. `day-aborted` is the end of a day that was aborted, halted
 * or left a fault revert-pending (`day-ended` is every other end); `gate-waiting` is a gate waiting for the
 * facilitator (not sent unattended, where gates take their defaults at once). `heads-up` goes out `headsUp` (default
 * 15m) before a day started with a start time (`gameday run --start-at`, `startAt` on the controller).
 */
export const dayNotifyEvents = ['heads-up', 'day-started', 'step-started', 'step-ended', 'gate-waiting', 'day-ended', 'day-aborted'] as const;
export type DayNotifyEvent = (typeof dayNotifyEvents)[number];

export const gameDayDefaults = {
  gateAnswer: 'no-go' as GateAnswer,
  gateTimeoutMs: 15 * 60_000,
  expect: 'completed' as ExpectedOutcome,
};

interface StepBase {
  /** 0-based position in the day. */
  readonly index: number;
  readonly title: string;
  readonly briefing?: string;
}

/** Where an experiment step's experiment comes from. */
export type ExperimentSource = { readonly file: string } | { readonly inline: true };

export interface ExperimentStep extends StepBase {
  readonly kind: 'experiment';
  readonly source: ExperimentSource;
  /** Filled by the parser for inline experiments and by `resolveGameDay` for files. */
  readonly experiment?: Experiment;
  readonly expect: ExpectedOutcome;
  readonly seed?: number;
}

export interface GateStep extends StepBase {
  readonly kind: 'gate';
  readonly question: string;
  /** The answer when nobody answers in time, and without a terminal (or with --yes). */
  readonly defaultAnswer: GateAnswer;
  readonly timeoutMs: number;
}

export interface WaitStep extends StepBase {
  readonly kind: 'wait';
  readonly durationMs: number;
}

export interface ChecklistStep extends StepBase {
  readonly kind: 'checklist';
  readonly items: readonly string[];
}

export type GameDayStep = ExperimentStep | GateStep | WaitStep | ChecklistStep;
export type StepKind = GameDayStep['kind'];

/** A normalized `kind: GameDay` file: durations in ms, defaults filled in. */
export interface GameDay {
  readonly apiVersion: 'faultline.dev/v1';
  readonly kind: 'GameDay';
  readonly metadata: {
    readonly name: string;
    readonly facilitator?: string;
    readonly participants: readonly string[];
    readonly hypothesis?: string;
    readonly labels: Readonly<Record<string, string>>;
  };
  readonly spec: {
    readonly description?: string;
    /** Watched for the whole day; a breach aborts the current step and stops the day. */
    readonly guards: readonly GuardSpec[];
    readonly steps: readonly GameDayStep[];
    /** Webhooks told about the day (secret-reference URLs resolved at delivery). */
    readonly notify?: readonly NotifySpec<DayNotifyEvent>[];
  };
}

/** How one step ended. `passed`/`failed` only for experiment steps (verdict matched the expectation or not). */
export type StepStatus = 'passed' | 'failed' | 'done' | 'skipped' | 'aborted' | 'not-run';

/** How the whole day ended. */
export type DayOutcome =
  | 'passed' // every experiment step ended with its expected verdict
  | 'failed' // at least one experiment step did not
  | 'stopped' // a gate was answered no-go
  | 'halted' // the facilitator halted the day
  | 'aborted' // a day guard breached, or a signal
  | 'revert-pending'; // a step could not revert everything: never "finished"

export type { Outcome };

import { IllegalTransitionError } from './errors.js';

/**
 * Every state a run can be in.
 * - `pending`: accepted, not started.
 * - `planning`: resolving targets and checking blast-radius limits; nothing touched.
 * - `checking-before`: steady-state hypothesis must hold before anything is injected.
 * - `injecting`: faults at offset 0 are being injected (write-ahead journaled).
 * - `holding`: faults are active; guards tick; delayed faults start/stop at their offsets.
 * - `reverting`: every fault ever started is being reverted, newest first, with retries.
 * - `revert-pending`: some revert keeps failing; retried until it succeeds or an operator forces it.
 * - `checking-after`: steady state is checked again after the revert (after an optional settle time).
 * - terminal: `completed` (hypothesis held), `deviated` (it did not hold afterwards),
 *   `aborted` (a guard, halt, budget or person stopped it), `failed` (an error prevented a verdict).
 */
export type RunState =
  | 'pending'
  | 'planning'
  | 'checking-before'
  | 'injecting'
  | 'holding'
  | 'reverting'
  | 'revert-pending'
  | 'checking-after'
  | 'completed'
  | 'deviated'
  | 'aborted'
  | 'failed';

export const runStates = [
  'pending', 'planning', 'checking-before', 'injecting', 'holding', 'reverting',
  'revert-pending', 'checking-after', 'completed', 'deviated', 'aborted', 'failed',
] as const satisfies readonly RunState[];

/** The only legal moves. Once `injecting` is reached, every path goes through `reverting`. */
export const transitions = {
  pending: ['planning', 'aborted', 'failed'],
  planning: ['checking-before', 'aborted', 'failed'], // blast-radius veto -> aborted, nothing injected
  'checking-before': ['injecting', 'failed', 'aborted'], // steady state not met -> failed, nothing injected
  injecting: ['holding', 'reverting'],
  holding: ['reverting'],
  reverting: ['checking-after', 'revert-pending', 'aborted', 'failed'], // interrupted runs skip the after-check
  'revert-pending': ['reverting', 'failed'], // `failed` only when an operator forces it (journaled)
  'checking-after': ['completed', 'deviated', 'aborted', 'failed'],
  completed: [],
  deviated: [],
  aborted: [],
  failed: [],
} as const satisfies Record<RunState, readonly RunState[]>;

export type TerminalState = 'completed' | 'deviated' | 'aborted' | 'failed';
/** What a run ends with as far as a caller is concerned: a terminal state or revert-pending. */
export type Outcome = TerminalState | 'revert-pending';

export function isTerminal(state: RunState): state is TerminalState {
  return transitions[state].length === 0;
}

export function canTransition(from: RunState, to: RunState): boolean {
  return (transitions[from] as readonly RunState[]).includes(to);
}

/** Throws IllegalTransitionError unless `from -> to` is in the table. The one gate for state changes. */
export function assertTransition(from: RunState, to: RunState): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}

/** States in which a fault may be active (a recovery must revert runs found in these). */
export const possiblyDirtyStates: readonly RunState[] = ['injecting', 'holding', 'reverting', 'revert-pending', 'checking-after'];

/** CLI exit codes per outcome (0 completed, 1 deviated, 2 aborted, 3 failed, 4 revert-pending). */
export const exitCodes: Record<Outcome, number> = {
  completed: 0,
  deviated: 1,
  aborted: 2,
  failed: 3,
  'revert-pending': 4,
};
export const USAGE_EXIT_CODE = 64;
/**
 * A `completed` run with a fault measured ineffective (FaultProvider.verify): the hypothesis held, but
 * was not tested, so a pipeline gating on exit 0 must not pass it.
 */
export const INEFFECTIVE_EXIT_CODE = 5;

/** The CLI exit code of a verdict: exitCodes, except INEFFECTIVE_EXIT_CODE for completed with ineffective faults. */
export function exitCodeOf(outcome: Outcome, ineffective?: readonly unknown[]): number {
  return outcome === 'completed' && ineffective?.length ? INEFFECTIVE_EXIT_CODE : exitCodes[outcome];
}

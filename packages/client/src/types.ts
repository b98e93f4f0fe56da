/** A run as the API returns it (see the controller's OpenAPI description at /docs). */
export interface RunView {
  runId: string;
  experiment: string;
  experimentVersion?: number;
  labels: Record<string, string>;
  state: string;
  /** accepted = stored, not started; running; finished = terminal. */
  phase: 'accepted' | 'running' | 'finished';
  outcome?: 'completed' | 'deviated' | 'aborted' | 'failed' | 'revert-pending';
  reason?: string;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  endedAt?: string;
  source: string;
  links: { self: string; events: string; report: string; abort: string };
}

/** What `POST /v1/runs/:runId/forget` journaled: who, why, and the fault records the operator vouches for. */
export interface ForgottenRunView {
  runId: string;
  experiment: string;
  previousState: string;
  faults: { fault: string; target: string }[];
  by: string;
  reason: string;
  detail: string;
}

export interface SubmitRunInput {
  /** A stored experiment's name, or… */
  experiment?: string;
  version?: number;
  /** …an inline definition: YAML or JSON text, or the experiment document as an object. */
  definition?: string | Record<string, unknown>;
  labels?: Record<string, string>;
  idempotencyKey?: string;
}

export interface RunListQuery {
  state?: string;
  experiment?: string;
  label?: string;
  limit?: number;
  cursor?: string;
}

export interface HaltView {
  halted: boolean;
  reason?: string;
  by?: string;
  at?: string;
  abortedRuns?: string[];
}

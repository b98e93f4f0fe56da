import { defaultRevertPolicy, type Experiment, type JournalEventBody, type RunState } from '@faultline/core';

export function experiment(name: string, labels: Record<string, string> = {}): Experiment {
  return {
    apiVersion: 'faultline.dev/v1',
    kind: 'Experiment',
    metadata: { name, labels },
    spec: {
      durationMs: 1000,
      targets: {},
      steadyState: [],
      faults: [],
      guards: [],
      blastRadius: {},
      settleMs: 0,
      revert: defaultRevertPolicy,
    },
  };
}

export function runCreated(name: string, options: { labels?: Record<string, string>; source?: string; dryRun?: boolean } = {}): JournalEventBody {
  return {
    type: 'run-created',
    experiment: experiment(name, options.labels),
    dryRun: options.dryRun ?? false,
    host: 'test-host',
    pid: 1234,
    ...(options.source !== undefined ? { source: options.source } : {}),
  };
}

export function transition(from: RunState, to: RunState, reason?: string): JournalEventBody {
  return { type: 'transition', from, to, ...(reason !== undefined ? { reason } : {}) };
}

/** The happy path's states, in order. */
export const happyPath: RunState[] = ['pending', 'planning', 'checking-before', 'injecting', 'holding', 'reverting', 'checking-after', 'completed'];

import { isTerminal } from '@faultline/core';
import type { RunRecord } from '@faultline/store';
import type { RunView } from './schemas.js';

/** The API's view of a run: the stored record plus whether it is accepted, running or finished, and links. */
export function runView(r: RunRecord): RunView {
  const self = `/v1/runs/${r.runId}`;
  return {
    runId: r.runId,
    experiment: r.experiment,
    ...(r.experimentVersion !== undefined ? { experimentVersion: r.experimentVersion } : {}),
    labels: { ...r.labels },
    state: r.state,
    phase: r.state === 'pending' ? 'accepted' : isTerminal(r.state) ? 'finished' : 'running',
    ...(r.outcome ? { outcome: r.outcome } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    ...(r.startedAt ? { startedAt: r.startedAt } : {}),
    ...(r.endedAt ? { endedAt: r.endedAt } : {}),
    source: r.source,
    ...(r.scheduleId ? { scheduleId: r.scheduleId } : {}),
    ...(r.fencingToken !== undefined ? { fencingToken: r.fencingToken } : {}),
    ...(r.owner ? { owner: { ...r.owner } } : {}),
    links: { self, events: `${self}/events`, report: `${self}/report`, abort: `${self}/abort` },
  };
}

import {
  ConflictError, NotFoundError, UsageError, canTransition, isTerminal, possiblyActive, replayJournal, systemClock,
  type Clock, type JournalEvent, type JournalEventBody, type JournalSink, type JournalSource, type RunState,
} from '@faultline/core';

export interface ForgottenRun {
  runId: string;
  experiment: string;
  previousState: RunState;
  /** Fault records that were never confirmed reverted: the operator vouches for them. */
  faults: { fault: string; target: string }[];
  by: string;
  reason: string;
  detail: string;
}

/**
 * Lets an operator acknowledge a run whose backend is gone for good (a torn-down environment), so that it
 * stops showing as "may still be active". Journals a `forced` event (who, why, which fault records) and
 * ends the run `failed` with a reason that says so; never touches a backend. The journal is the audit trail.
 */
export async function forgetRun(opts: {
  source: JournalSource;
  sink: JournalSink;
  runId: string;
  reason: string;
  by: string;
  clock?: Clock;
  onEvent?: (e: JournalEvent) => void;
}): Promise<ForgottenRun> {
  const reasonText = opts.reason.trim();
  if (!reasonText) throw new UsageError('forgetting a run needs a reason', { hint: 'Say why it is safe, e.g. --reason "test cluster deleted on 2026-01-31".' });
  const events = await opts.source.read(opts.runId).catch(() => [] as JournalEvent[]);
  if (events.length === 0) throw new NotFoundError(`run ${opts.runId} is not in this journal`, { hint: 'List runs with `faultline recover -o json`; forget takes a run id from it.' });
  const { state, records, experiment } = replayJournal(events);
  if (isTerminal(state)) throw new ConflictError(`run ${opts.runId} already ended (${state}); there is nothing to forget`);
  const clock = opts.clock ?? systemClock;
  const faults = possiblyActive(records).map((r) => ({ fault: r.fault, target: r.target.name }));
  const journal = async (body: JournalEventBody) => {
    const e = await opts.sink.append(opts.runId, body);
    opts.onEvent?.(e);
  };
  const list = faults.length ? faults.map((f) => `"${f.fault}" on ${f.target}`).join(', ') : 'none';
  const detail = `forgotten by ${opts.by}: ${reasonText}; fault record(s) never confirmed reverted: ${list}`;
  await journal({ type: 'forced', by: opts.by, reason: reasonText, faults: faults.map((f) => `${f.fault} on ${f.target}`) });
  let current = state as RunState;
  if (!canTransition(current, 'failed')) {
    await journal({ type: 'transition', from: current, to: 'reverting', reason: detail });
    current = 'reverting';
  }
  await journal({ type: 'transition', from: current, to: 'failed', reason: detail });
  const endedAt = clock.now().toISOString();
  const startedAt = events[0]?.at ?? endedAt;
  await journal({ type: 'verdict', outcome: 'failed', reason: detail, timings: { startedAt, endedAt, durationMs: Date.parse(endedAt) - Date.parse(startedAt) } });
  return { runId: opts.runId, experiment: experiment?.metadata.name ?? '(unknown experiment)', previousState: state as RunState, faults, by: opts.by, reason: reasonText, detail };
}

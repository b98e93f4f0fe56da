import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Experiment, JournalEvent, JournalEventBody } from '@faultline/core';
import { applyEvent, emptyRunModel, heartbeatAllowanceMs, liveness, MAX_POINTS, type RunModel } from './run-model.js';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const experiment = {
  apiVersion: 'faultline.dev/v1', kind: 'Experiment', metadata: { name: 'shop', labels: {} },
  spec: {
    duration: 60_000, durationMs: 60_000, targets: {}, steadyState: [], faults: [], blastRadius: {}, settleMs: 20_000,
    revert: { timeoutMs: 1000, maxAttempts: 1, initialBackoffMs: 1, maxBackoffMs: 1 },
    guards: [
      { name: 'p99', kind: 'prometheus', with: {}, expect: { below: 0.5 }, timeoutMs: 1000, everyMs: 250, breachAfter: 2 },
      { name: 'page', kind: 'http', with: {}, expect: { status: 200, latencyBelowMs: 300 }, timeoutMs: 1000, everyMs: 1000, breachAfter: 3 },
    ],
  },
} as unknown as Experiment;

/** A journal with consecutive seqs, `ms` after T0 each. */
function journal(...items: Array<[number, JournalEventBody]>): JournalEvent[] {
  return items.map(([ms, body], i) => ({ ...body, seq: i + 1, at: new Date(T0 + ms).toISOString(), runId: 'r1' }) as JournalEvent);
}
const target = { id: 'toxiproxy:inv', kind: 'toxiproxy', name: 'inventory', labels: {}, ref: {} };
const probe = (name: string, ok: boolean, observed: unknown, extra: Record<string, unknown> = {}): JournalEventBody =>
  ({ type: 'probe', phase: 'guard', result: { probe: name, kind: 'x', ok, observed, expected: '', reason: ok ? 'fine' : 'too high', durationMs: 1, ...extra } }) as JournalEventBody;

const aborted = journal(
  [0, { type: 'run-created', experiment, dryRun: false, host: 'h', pid: 1, source: 'api' }],
  [10, { type: 'transition', from: 'pending', to: 'planning' }],
  [20, { type: 'transition', from: 'planning', to: 'checking-before' }],
  [30, { type: 'transition', from: 'checking-before', to: 'injecting' }],
  [40, { type: 'fault-injecting', fault: 'slow', faultType: 'toxiproxy.latency', target, params: {} }],
  [60, { type: 'fault-injected', fault: 'slow', targetId: target.id, durationMs: 20 }],
  [70, { type: 'transition', from: 'injecting', to: 'holding' }],
  [320, probe('p99', true, '0.2')],
  [570, probe('p99', false, 0.9)],
  [600, probe('page', false, null, { error: { code: 'FL_TIMEOUT', message: 'no answer' } })],
  [820, probe('p99', false, 1.1)],
  [821, { type: 'guard-breach', guard: 'p99', consecutiveFailures: 2, result: { probe: 'p99', kind: 'x', ok: false, observed: 1.1, expected: 'below 0.5', reason: 'too high', durationMs: 1 } }],
  [822, { type: 'abort', source: 'guard', reason: 'guard "p99" breached' }],
  [823, { type: 'transition', from: 'holding', to: 'reverting' }],
  [830, { type: 'fault-reverting', fault: 'slow', targetId: target.id, attempt: 1 }],
  [900, { type: 'fault-reverted', fault: 'slow', targetId: target.id, attempt: 1, durationMs: 70 }],
  [910, { type: 'transition', from: 'reverting', to: 'aborted' }],
  [911, { type: 'verdict', outcome: 'aborted', reason: 'guard "p99" breached', timings: { startedAt: '', endedAt: '', durationMs: 911 } }],
);

function fold(events: readonly JournalEvent[]): RunModel {
  const m = emptyRunModel();
  for (const e of events) applyEvent(m, e);
  return m;
}

describe('run model', () => {
  it('folds an aborted run: phases, fault window, guard series against thresholds, breach, verdict', () => {
    const m = fold(aborted);
    expect(m.state).toBe('aborted');
    expect(m.phases.map((p) => p.state)).toEqual(['pending', 'planning', 'checking-before', 'injecting', 'holding', 'reverting', 'aborted']);
    expect(m.phases.find((p) => p.state === 'holding')).toMatchObject({ from: T0 + 70, to: T0 + 823 });
    expect(m.windows).toEqual([{ from: T0 + 40, to: T0 + 900 }]);
    const [f] = [...m.faults.values()];
    expect(f).toMatchObject({ phase: 'reverted', injectedAt: T0 + 60, revertedAt: T0 + 900, attempts: 1 });
    const p99 = m.guards.get('p99')!;
    expect(p99).toMatchObject({ unit: 'value', thresholds: [{ value: 0.5, label: 'below 0.5' }], t: [0.32, 0.57, 0.82], y: [0.2, 0.9, 1.1], ok: [true, false, false], breaches: [0.821] });
    const page = m.guards.get('page')!;
    expect(page).toMatchObject({ unit: 'latency-ms', thresholds: [{ value: 300 }], y: [null], ok: [false] });
    expect(m.abort).toMatchObject({ source: 'guard' });
    expect(m.verdict).toMatchObject({ outcome: 'aborted' });
    expect(liveness(m, T0 + 10 * 60_000)).toEqual({ kind: 'finished' });
  });

  it('applies each event once, whatever the stream repeats after a reconnect', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: aborted.length - 1 }), { maxLength: 40 }), (replays) => {
      const m = emptyRunModel();
      // The stream resumes from Last-Event-ID, but a replay of old events must change nothing.
      for (const e of aborted) {
        applyEvent(m, e);
        for (const r of replays) if (r < e.seq) applyEvent(m, aborted[r] as JournalEvent);
      }
      expect(m.guards.get('p99')!.t).toHaveLength(3);
      expect(m.phases).toHaveLength(7);
    }), { seed: 19, numRuns: 100 });
  });

  it('says "lost contact" after three missed guard intervals while holding, and allows the settle wait after', () => {
    const holding = fold(aborted.slice(0, 9)); // last event: the p99 probe at +570ms
    expect(heartbeatAllowanceMs(holding)).toBe(750);
    expect(liveness(holding, T0 + 570 + 750)).toEqual({ kind: 'live', ageMs: 750 });
    expect(liveness(holding, T0 + 570 + 751)).toEqual({ kind: 'lost-contact', ageMs: 751 });
    const m = fold([...aborted.slice(0, 14), ...journal([0, { type: 'transition', from: 'holding', to: 'reverting' }]).map((e) => ({ ...e, seq: 15, at: new Date(T0 + 900).toISOString() }))]);
    expect(m.state).toBe('reverting');
    expect(heartbeatAllowanceMs(m)).toBe(15_000);
    applyEvent(m, { type: 'transition', from: 'reverting', to: 'checking-after', seq: 16, at: new Date(T0 + 950).toISOString(), runId: 'r1' });
    expect(heartbeatAllowanceMs(m)).toBe(60_000);
  });

  it('a hold without guards is not "lost contact" while the plan says nothing is due', () => {
    const quiet = { ...experiment, spec: { ...experiment.spec, guards: [] } } as unknown as Experiment;
    const plan = { targets: [], faults: [{ name: 'slow', type: 't', target: 'x', afterMs: 0, untilMs: 60_000, params: {}, summary: '' }], limits: [], durationMs: 120_000, seed: 1 };
    const m = fold(journal(
      [0, { type: 'run-created', experiment: quiet, dryRun: false, host: 'h', pid: 1 }],
      [5, { type: 'plan', plan }],
      [10, { type: 'transition', from: 'pending', to: 'holding' } as JournalEventBody],
    ));
    // Next planned event: the fault stops at +60 s into the hold (hold started at +10 ms).
    expect(heartbeatAllowanceMs(m)).toBe(60_000 + 15_000);
    expect(liveness(m, T0 + 10 + 60_000 + 15_000).kind).toBe('live');
    expect(liveness(m, T0 + 10 + 60_000 + 15_001).kind).toBe('lost-contact');
  });

  it('keeps at most MAX_POINTS per guard', () => {
    const m = fold(aborted.slice(0, 7));
    for (let i = 0; i < MAX_POINTS + 5; i++) {
      applyEvent(m, { ...(probe('p99', true, i) as object), seq: 8 + i, at: new Date(T0 + 100 + i).toISOString(), runId: 'r1' } as JournalEvent);
    }
    const g = m.guards.get('p99')!;
    expect(g.t).toHaveLength(MAX_POINTS);
    expect(g.y[0]).toBe(5);
  });
});

import { UsageError, type JournalEvent } from '@faultline/core';
import { describe, expect, it } from 'vitest';
import { buildRunReport } from '../index.js';
import { abortedJournal, completedJournal, deviatedJournal, revertPendingJournal, T0, vetoedJournal } from '../fixtures/journals.js';

const iso = (ms: number) => new Date(T0 + ms).toISOString();

describe('buildRunReport: aborted by a guard', () => {
  const report = buildRunReport(abortedJournal());

  it('states the verdict, the abort and the experiment', () => {
    expect(report).toMatchObject({
      schemaVersion: 1, runId: 'raborted00001', outcome: 'aborted', state: 'aborted', host: 'gameday-runner-1', dryRun: false,
      reason: 'guard checkout-p99 breached: 0.85 is not below 0.5 (3 consecutive failures)',
      abort: { at: iso(33_496), source: 'guard' },
      experiment: { name: 'checkout-survives-slow-redis', labels: { team: 'payments', tier: 'critical' }, holdMs: 120_000 },
    });
    expect(report.experiment.steadyState.map((p) => [p.name, p.expected])).toEqual([['error-rate', 'below 0.01'], ['checkout-http', 'status 200']]);
    expect(report.warnings).toEqual([]);
  });

  it('measures detect, abort and revert times from the journal', () => {
    expect(report.timings).toEqual({
      startedAt: iso(0), endedAt: iso(39_412), durationMs: 39_412,
      holdStartedAt: iso(480), holdEndedAt: iso(33_500),
      breachAt: iso(33_490), abortAt: iso(33_496), allRevertedAt: iso(34_202),
      timeToDetectMs: 2010, // first failing check at 31.48s -> breach at 33.49s
      timeToAbortMs: 6,
      timeToRevertMs: 706, // abort 33.496s -> last revert 34.202s
      breachToRevertedMs: 712,
    });
  });

  it('agrees with the timings the engine put in the verdict', () => {
    const verdict = abortedJournal().find((e) => e.type === 'verdict');
    if (verdict?.type !== 'verdict') throw new Error('fixture has no verdict');
    for (const k of ['breachAt', 'abortAt', 'allRevertedAt', 'timeToAbortMs', 'timeToRevertMs', 'breachToRevertedMs'] as const) {
      expect(report.timings[k], k).toEqual(verdict.timings[k]);
    }
  });

  it('lists phases with start, end and reason', () => {
    expect(report.phases.map((p) => p.state)).toEqual(['pending', 'planning', 'checking-before', 'injecting', 'holding', 'reverting', 'checking-after', 'aborted']);
    expect(report.phases[4]).toEqual({ state: 'holding', startedAt: iso(480), endedAt: iso(33_500), durationMs: 33_020 });
    expect(report.phases[5]).toMatchObject({ state: 'reverting', reason: 'guard checkout-p99 breached', durationMs: 707 });
    expect(report.phases.at(-1)).toEqual({ state: 'aborted', startedAt: iso(39_402), reason: 'guard checkout-p99 breached' });
  });

  it('keeps every guard observation and the breach', () => {
    const [p99, health] = report.guards;
    expect(p99?.observations).toHaveLength(33);
    expect(p99?.observations[0]).toMatchObject({ at: iso(1480), ok: true, expected: 'below 0.5', consecutiveFailures: 0 });
    expect(p99?.observations.filter((o) => !o.ok).map((o) => o.observed)).toEqual([0.65, 0.75, 0.85]);
    expect(p99).toMatchObject({ passed: 30, failed: 3, everyMs: 1000, breachAfter: 3, expectation: { below: 0.5 } });
    expect(p99?.breach).toEqual({
      at: iso(33_490), consecutiveFailures: 3, observed: 0.85, expected: 'below 0.5', reason: '0.85 is not below 0.5',
      firstFailureAt: iso(31_480), timeToDetectMs: 2010,
    });
    expect(health?.breach).toBeUndefined();
    expect(health?.observations.filter((o) => o.error).map((o) => o.error?.code)).toEqual(['FL_TIMEOUT', 'FL_TIMEOUT']);
  });

  it('reports each fault per target with attempts, errors and durations', () => {
    const redis = report.faults.find((f) => f.fault === 'slow-redis');
    expect(redis).toMatchObject({
      phase: 'reverted', faultType: 'toxiproxy.latency', target: { name: 'redis', kind: 'toxiproxy' },
      inject: { attempts: 1, startedAt: iso(430), injectedAt: iso(470), durationMs: 40, errors: [] },
      revert: { attempts: 2, startedAt: iso(33_510), revertedAt: iso(34_202), durationMs: 42, totalMs: 692, by: 'run' },
      activeMs: 33_772,
    });
    expect(redis?.revert.errors).toEqual([{ attempt: 1, at: iso(34_010), error: expect.objectContaining({ code: 'FL_TIMEOUT', retryable: true }) }]);
    expect(redis?.target).not.toHaveProperty('ref');
    expect(report.targets.map((t) => [t.name, t.faults, t.clean])).toEqual([['redis', ['slow-redis'], true], ['shop/checkout-7f9c4', ['kill-one-checkout'], true]]);
  });

  it('keeps steady-state results before and after, the plan and event counts', () => {
    expect(report.steadyState.before.map((r) => [r.probe, r.ok, r.observed])).toEqual([['error-rate', true, 0.0021], ['checkout-http', true, 'ok']]);
    expect(report.steadyState.after.map((r) => [r.probe, r.ok])).toEqual([['error-rate', true], ['checkout-http', true]]);
    expect(report.plan?.limits).toHaveLength(2);
    expect(report.plan?.targets.map((t) => t.selected.length)).toEqual([1, 1]);
    expect(report.events.count).toBe(abortedJournal().length);
    expect(report.events.byType).toMatchObject({ verdict: 1, 'guard-breach': 1, 'fault-revert-failed': 1, transition: 7 });
  });

  it('is plain JSON (no undefined fields) and deterministic', () => {
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(buildRunReport(abortedJournal())).toEqual(report);
  });
});

describe('buildRunReport: other outcomes', () => {
  it('completed: time to revert runs from the hold end; nothing breached', () => {
    const r = buildRunReport(completedJournal());
    expect(r.outcome).toBe('completed');
    expect(r.timings).toMatchObject({ holdEndedAt: iso(20_480), allRevertedAt: iso(20_550), timeToRevertMs: 70 });
    expect(r.timings.breachAt).toBeUndefined();
    expect(r.timings.timeToDetectMs).toBeUndefined();
    expect(r.guards.every((g) => g.failed === 0 && !g.breach)).toBe(true);
    expect(r.warnings).toEqual([]);
  });

  it('deviated: the after-check failure is kept with observed and expected values', () => {
    const r = buildRunReport(deviatedJournal());
    expect(r.outcome).toBe('deviated');
    expect(r.steadyState.after.find((x) => x.probe === 'error-rate')).toMatchObject({ ok: false, observed: 0.034, expected: 'below 0.01' });
  });

  it('revert-pending: the dirty fault, its failed attempts, and no all-reverted time', () => {
    const r = buildRunReport(revertPendingJournal());
    expect(r.outcome).toBe('revert-pending');
    const redis = r.faults.find((f) => f.fault === 'slow-redis');
    expect(redis).toMatchObject({ phase: 'revert-failed', revert: { attempts: 3 } });
    expect(redis?.revert.errors.map((e) => e.attempt)).toEqual([1, 2, 3]);
    expect(redis?.activeMs).toBeUndefined();
    expect(r.timings.allRevertedAt).toBeUndefined();
    expect(r.timings.timeToRevertMs).toBeUndefined();
    expect(r.targets.find((t) => t.name === 'redis')?.clean).toBe(false);
  });

  it('vetoed plan: aborted with no faults, no guards evaluated', () => {
    const r = buildRunReport(vetoedJournal());
    expect(r).toMatchObject({ outcome: 'aborted', faults: [], targets: [] });
    expect(r.plan?.limits[0]?.ok).toBe(false);
    expect(r.timings.timeToRevertMs).toBeUndefined();
  });
});

describe('buildRunReport: damaged or partial journals', () => {
  it('reports an unfinished run as running, with the open phase', () => {
    const events = abortedJournal();
    const cut = events.findIndex((e) => e.type === 'guard-breach');
    const r = buildRunReport(events.slice(0, cut));
    expect(r.outcome).toBe('running');
    expect(r.state).toBe('holding');
    expect(r.phases.at(-1)).toEqual({ state: 'holding', startedAt: iso(480) });
    expect(r.warnings.join('\n')).toMatch(/no verdict yet.*holding/);
    expect(r.timings.endedAt).toBe((events[cut - 1] as JournalEvent).at);
  });

  it('sorts events by seq and says so', () => {
    const events = abortedJournal();
    const shuffled = [...events].reverse();
    const r = buildRunReport(shuffled);
    expect(r.warnings).toContain('events were not in seq order; the report sorted them');
    expect({ ...r, warnings: [] }).toEqual(buildRunReport(events));
  });

  it('notes events for faults that were never journaled as injecting', () => {
    const events = completedJournal().filter((e) => !(e.type === 'fault-injecting' && e.fault === 'slow-redis'));
    const r = buildRunReport(events);
    expect(r.warnings.some((w) => w.includes('fault "slow-redis"') && w.includes('never journaled as injecting'))).toBe(true);
  });

  it('still reports a journal without run-created', () => {
    const r = buildRunReport(completedJournal().slice(1));
    expect(r.experiment.name).toBe('run rcompleted0001');
    expect(r.warnings[0]).toMatch(/no run-created/);
  });

  it('rejects an empty journal and a journal of several runs with UsageError', () => {
    expect(() => buildRunReport([])).toThrow(UsageError);
    expect(() => buildRunReport([...completedJournal(), ...deviatedJournal()])).toThrow(/2 runs \(rcompleted0001, rdeviated0001\)/);
  });
});

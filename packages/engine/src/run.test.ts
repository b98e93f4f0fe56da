import { describe, expect, it } from 'vitest';
import { ProviderError, type JournalEvent } from '@faultline/core';
import { experiment, FakeBackend, fakeRegistry, MemoryJournal, scriptedProbe } from '@faultline/testing';
import { Engine } from './index.js';

const ok = () => scriptedProbe('ok', () => ({ value: 'ok' }));
const types = (events: JournalEvent[]) => events.map((e) => (e.type === 'transition' ? `->${e.to}` : e.type));
const transitions = (events: JournalEvent[]) => events.filter((e) => e.type === 'transition').map((e) => (e as { to: string }).to);

function setup(probes = [ok()]) {
  const backend = new FakeBackend();
  backend.addTargets(3);
  const journal = new MemoryJournal();
  const engine = new Engine({ registry: fakeRegistry(backend, probes), journal });
  return { backend, journal, engine };
}

describe('engine run lifecycle', () => {
  it('completes: steady state, write-ahead inject, hold, revert newest first, after-check', async () => {
    const { backend, journal, engine } = setup();
    backend.injectHook = (target, fault) => {
      // write-ahead: the journal already holds `fault-injecting` for this target when the backend is called
      const events = [...journal.runs.values()][0] ?? [];
      const ahead = events.some((e) => e.type === 'fault-injecting' && e.fault === fault && e.target.id === target.id);
      return ahead ? undefined : new Error('inject called before the journal entry');
    };
    const run = engine.start(experiment({ steadyState: [{}], faults: [{ name: 'a' }, { name: 'b' }] }));
    const result = await run.done;
    expect(result.outcome).toBe('completed');
    expect(backend.active.size).toBe(0);
    const events = journal.events(run.runId);
    expect(transitions(events)).toEqual(['planning', 'checking-before', 'injecting', 'holding', 'reverting', 'checking-after', 'completed']);
    const reverts = backend.calls.filter((c) => c.startsWith('revert')).map((c) => c.split(' ')[1]);
    expect(reverts.slice(0, 3)).toEqual(['b', 'b', 'b']); // newest fault first
    // every `fault-reverting` precedes its `fault-reverted`
    const order = types(events);
    expect(order.indexOf('fault-reverting')).toBeLessThan(order.indexOf('fault-reverted'));
    expect(events.at(-1)).toMatchObject({ type: 'verdict', outcome: 'completed' });
  });

  it('guard trips during hold -> reverting -> aborted, all faults reverted, timings recorded', async () => {
    let calls = 0;
    const guardProbe = scriptedProbe('health', () => (++calls >= 3 ? { value: 'down' } : { value: 'ok' }));
    const { backend, journal, engine } = setup([ok(), guardProbe]);
    const run = engine.start(experiment({ durationMs: 60_000, steadyState: [{}], guards: [{ name: 'health', kind: 'health', everyMs: 5, breachAfter: 2 }] }));
    const result = await run.done;
    expect(result.outcome).toBe('aborted');
    expect(result.reason).toMatch(/guard "health" breached after 2 consecutive failures/);
    expect(backend.active.size).toBe(0);
    const events = journal.events(run.runId);
    expect(transitions(events)).toEqual(['planning', 'checking-before', 'injecting', 'holding', 'reverting', 'checking-after', 'aborted']);
    expect(types(events)).toContain('guard-breach');
    expect(result.timings.breachAt).toBeDefined();
    expect(result.timings.allRevertedAt).toBeDefined();
    expect(result.timings.timeToAbortMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(result.timings.allRevertedAt!)).toBeGreaterThanOrEqual(Date.parse(result.timings.breachAt!));
  });

  it('a probe that errors counts as a guard failure (fail-safe)', async () => {
    const broken = scriptedProbe('broken', () => new Error('connection refused'));
    const { journal, engine } = setup([ok(), broken]);
    const run = engine.start(experiment({ durationMs: 60_000, guards: [{ name: 'g', kind: 'broken', everyMs: 5, breachAfter: 1 }] }));
    const result = await run.done;
    expect(result.outcome).toBe('aborted');
    const probe = journal.events(run.runId).find((e) => e.type === 'probe' && e.phase === 'guard');
    expect(probe).toMatchObject({ result: { ok: false, error: { code: 'FL_PROBE' } } });
  });

  it('provider throws during inject -> everything injected so far is reverted -> failed', async () => {
    const { backend, engine, journal } = setup();
    backend.injectHook = (target, fault) => (fault === 'b' && target.id === 't1' ? new ProviderError('backend said no') : undefined);
    const run = engine.start(experiment({ faults: [{ name: 'a' }, { name: 'b' }] }));
    const result = await run.done;
    expect(result.outcome).toBe('failed');
    expect(result.reason).toMatch(/could not inject "b".*backend said no/);
    expect(backend.active.size).toBe(0);
    expect(transitions(journal.events(run.runId))).toEqual(['planning', 'checking-before', 'injecting', 'reverting', 'failed']);
    // the failed target is reverted too: the call may have reached the backend
    expect(backend.calls).toContain('revert b t1');
  });

  it('revert fails twice then succeeds -> completed with the retries journaled', async () => {
    const { backend, engine, journal } = setup();
    backend.revertHook = (target, attempt) => (target.id === 't0' && attempt <= 2 ? new ProviderError('503 from backend', { retryable: true }) : undefined);
    const run = engine.start(experiment());
    const result = await run.done;
    expect(result.outcome).toBe('completed');
    const failed = journal.events(run.runId).filter((e) => e.type === 'fault-revert-failed');
    expect(failed).toHaveLength(2);
    expect(failed.every((e) => e.type === 'fault-revert-failed' && (e.retryInMs ?? 0) > 0)).toBe(true);
    expect(journal.events(run.runId).find((e) => e.type === 'fault-reverted' && e.targetId === 't0')).toMatchObject({ attempt: 3 });
  });

  it('revert never succeeds -> revert-pending, never reported finished', async () => {
    const { backend, engine, journal } = setup();
    backend.revertHook = (target) => (target.id === 't2' ? new ProviderError('still broken') : undefined);
    const run = engine.start(experiment({ revert: { maxAttempts: 3 } }));
    const result = await run.done;
    expect(result.outcome).toBe('revert-pending');
    expect(result.pending).toEqual([{ fault: 'fault-0', target: 't2' }]);
    expect(transitions(journal.events(run.runId)).at(-1)).toBe('revert-pending');
    expect(await journal.listUnfinishedRuns()).toEqual([run.runId]);
  });

  it('steady state not met before -> failed, nothing injected', async () => {
    const bad = scriptedProbe('bad', () => ({ value: 0.5 }));
    const { backend, engine } = setup([bad]);
    const result = await engine.start(experiment({ steadyState: [{ name: 'errors', kind: 'bad', expect: { below: 0.01 } }] })).done;
    expect(result.outcome).toBe('failed');
    expect(result.reason).toMatch(/steady state not met before injection.*"errors" 0.5 is not below 0.01/);
    expect(backend.calls).toEqual([]);
  });

  it('blast radius exceeded -> aborted, nothing injected', async () => {
    const { backend, engine, journal } = setup();
    const run = engine.start(experiment({ blastRadius: { maxTargets: 2 } }));
    const result = await run.done;
    expect(result.outcome).toBe('aborted');
    expect(result.reason).toMatch(/maxTargets 2 \(3 targets selected\)/);
    expect(backend.calls).toEqual([]);
    expect(transitions(journal.events(run.runId))).toEqual(['planning', 'aborted']);
  });

  it('abort from outside (Ctrl-C) mid-hold reverts and skips the after-check; more aborts change nothing', async () => {
    const { backend, engine, journal } = setup();
    const run = engine.start(experiment({ durationMs: 60_000 }));
    await new Promise<void>((resolve) => {
      const t = setInterval(() => run.state() === 'holding' && (clearInterval(t), resolve()), 2);
    });
    expect(backend.active.size).toBe(3);
    run.abort('interrupted (SIGINT)', 'signal');
    run.abort('interrupted again (SIGINT)', 'signal');
    const result = await run.done;
    expect(result).toMatchObject({ outcome: 'aborted', reason: 'interrupted (SIGINT)' });
    expect(backend.active.size).toBe(0);
    expect(transitions(journal.events(run.runId)).slice(-2)).toEqual(['reverting', 'aborted']);
  });

  it('delayed fault with after/for starts and ends inside the hold', async () => {
    const { backend, engine, journal } = setup();
    const run = engine.start(experiment({ durationMs: 200, faults: [{ name: 'late', afterMs: 20, forMs: 50 }] }));
    const result = await run.done;
    expect(result.outcome).toBe('completed');
    const ev = journal.events(run.runId);
    const holding = ev.find((e) => e.type === 'transition' && e.to === 'holding')!;
    const injecting = ev.find((e) => e.type === 'fault-injecting')!;
    const reverted = ev.find((e) => e.type === 'fault-reverted')!;
    const reverting = ev.find((e) => e.type === 'transition' && e.to === 'reverting')!;
    expect(injecting.seq).toBeGreaterThan(holding.seq);
    expect(reverted.seq).toBeLessThan(reverting.seq); // reverted at its `for` end, before the hold ended
    expect(backend.active.size).toBe(0);
  });

  it('run budget exceeded -> aborted and reverted', async () => {
    const { backend, engine } = setup();
    const result = await engine.start(experiment({ durationMs: 60_000, maxDurationMs: 50 })).done;
    expect(result.outcome).toBe('aborted');
    expect(result.reason).toMatch(/budget/);
    expect(backend.active.size).toBe(0);
  });

  it('steady state after the revert not met -> deviated', async () => {
    let phase = 0;
    const flaky = scriptedProbe('flaky', () => ({ value: ++phase === 1 ? 'ok' : 'degraded' }));
    const { engine } = setup([flaky]);
    const result = await engine.start(experiment({ steadyState: [{ kind: 'flaky' }] })).done;
    expect(result.outcome).toBe('deviated');
    expect(result.reason).toMatch(/did not hold after/);
  });
});

describe('journal hygiene', () => {
  it('never journals probe credentials', async () => {
    const { journal, engine } = setup([scriptedProbe('ok', () => ({ value: 'ok' }))]);
    const run = engine.start(experiment({ steadyState: [{ with: { url: 'https://bob:hunter2@prom.example', bearerToken: 's3cret' } }] }));
    expect((await run.done).outcome).toBe('completed');
    const text = JSON.stringify(journal.events(run.runId));
    expect(text).not.toMatch(/hunter2|s3cret/);
    expect(text).toContain('[redacted]');
  });
});

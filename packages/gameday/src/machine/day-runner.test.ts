import { createManualClock, newRunId, type Experiment, type JournalEvent } from '@faultline/core';
import { Engine } from '@faultline/engine';
import { experiment, FakeBackend, fakeRegistry, MemoryJournal, scriptedProbe } from '@faultline/testing';
import { describe, expect, it } from 'vitest';
import type { GameDay, GameDayStep } from '../model.js';
import { MemoryDayJournal } from '../journal/file-day-journal.js';
import type { DayEvent } from '../journal/day-events.js';
import { DayRunner, type DayRunnerOptions } from './day-runner.js';

type StepInput =
  | { kind: 'experiment'; title?: string; experiment: Experiment; expect?: 'completed' | 'aborted' | 'deviated' | 'failed' }
  | { kind: 'gate'; title?: string; defaultAnswer?: 'go' | 'skip' | 'no-go'; timeoutMs?: number }
  | { kind: 'wait'; title?: string; durationMs: number }
  | { kind: 'checklist'; title?: string; items: string[] };

function day(steps: StepInput[], guards: GameDay['spec']['guards'] = []): GameDay {
  return {
    apiVersion: 'faultline.dev/v1', kind: 'GameDay',
    metadata: { name: 'test-day', participants: [], labels: {} },
    spec: {
      guards,
      steps: steps.map((s, index): GameDayStep => {
        const title = s.title ?? `step ${index + 1}`;
        switch (s.kind) {
          case 'experiment': return { index, title, kind: 'experiment', source: { inline: true }, experiment: s.experiment, expect: s.expect ?? 'completed' };
          case 'gate': return { index, title, kind: 'gate', question: 'Go on?', defaultAnswer: s.defaultAnswer ?? 'go', timeoutMs: s.timeoutMs ?? 300_000 };
          case 'wait': return { index, title, kind: 'wait', durationMs: s.durationMs };
          case 'checklist': return { index, title, kind: 'checklist', items: s.items };
        }
      }),
    },
  };
}

function setup(d: GameDay, opts: Partial<DayRunnerOptions> & { probes?: ReturnType<typeof scriptedProbe>[] } = {}) {
  const clock = createManualClock('2026-03-01T09:00:00Z');
  const backend = new FakeBackend();
  backend.addTargets(2);
  const registry = fakeRegistry(backend, [scriptedProbe('ok', () => ({ value: 'ok' })), ...(opts.probes ?? [])]);
  const runJournal = new MemoryJournal();
  const journal = new MemoryDayJournal(clock);
  const runEvents: JournalEvent[] = [];
  const dayEvents: DayEvent[] = [];
  const listeners: Array<(e: DayEvent | JournalEvent) => void> = [];
  const engine = new Engine({ registry, journal: runJournal, onEvent: (e) => { runEvents.push(e); for (const l of listeners) l(e); } });
  const runner = new DayRunner({
    day: d, journal, registry, clock, pollMs: 2, newRunId: () => newRunId(),
    startRun: (exp, o) => engine.start(exp, { ...(o.runId ? { runId: o.runId } : {}), ...(o.seed !== undefined ? { seed: o.seed } : {}) }),
    onEvent: (e) => { dayEvents.push(e); for (const l of listeners) l(e); },
    ...opts,
  });
  const on = (fn: (e: DayEvent | JournalEvent) => void) => listeners.push(fn);
  return { clock, backend, runner, journal, runJournal, runEvents, dayEvents, on };
}

const ended = (events: DayEvent[]) => events.filter((e) => e.type === 'step-ended').map((e) => e.type === 'step-ended' && `${e.step}:${e.status}`);

describe('DayRunner', () => {
  it('runs every step kind in order unattended; a wait follows the injected clock; verdicts are compared', async () => {
    const d = day([
      { kind: 'checklist', items: ['status page'] },
      { kind: 'experiment', experiment: experiment({ name: 'holds', durationMs: 10 }) },
      { kind: 'gate', defaultAnswer: 'go' },
      { kind: 'wait', durationMs: 60_000 },
      { kind: 'experiment', experiment: experiment({ name: 'should-abort', durationMs: 10 }), expect: 'aborted' },
    ]);
    const t = setup(d, { unattended: true });
    await until(() => t.runner.status().kind === 'wait' && t.runner.status().endsAtMs !== undefined);
    expect(t.runner.status().endsAtMs).toBe(t.clock.nowMs() + 60_000);
    t.clock.advance(59_999);
    t.clock.advance(1);
    const result = await t.runner.done;
    expect(ended(t.dayEvents)).toEqual(['0:done', '1:passed', '2:done', '3:done', '4:failed']);
    expect(result.outcome).toBe('failed');
    expect(result.reason).toBe('1 of 2 experiment step(s) ended as expected, 1 did not');
    const gate = t.dayEvents.find((e) => e.type === 'gate-answered');
    expect(gate).toMatchObject({ answer: 'go', by: 'default', defaulted: 'unattended' });
    const last = t.dayEvents.filter((e) => e.type === 'step-ended').at(-1);
    expect(last).toMatchObject({ expected: 'aborted', outcome: 'completed', reason: expect.stringMatching(/^expected aborted, ended completed/) });
    expect(t.dayEvents.at(-1)).toMatchObject({ type: 'day-ended', outcome: 'failed' });
    expect(t.backend.active.size).toBe(0);
  });

  it('journals the run id before the run starts (write-ahead)', async () => {
    const t = setup(day([{ kind: 'experiment', experiment: experiment({ durationMs: 5 }) }]), { unattended: true });
    const seenAtCreate: string[] = [];
    t.on((e) => {
      if (!('dayId' in e) && e.type === 'run-created') {
        seenAtCreate.push(...(t.journal.days.get(t.runner.dayId) ?? []).filter((x) => x.type === 'step-run').map((x) => (x as { runId: string }).runId));
      }
    });
    await t.runner.done;
    const runId = t.runEvents[0]?.runId;
    expect(seenAtCreate).toEqual([runId]);
  });

  it('a gate nobody answers takes its default when the clock passes its timeout; no-go ends the day', async () => {
    const d = day([{ kind: 'gate', defaultAnswer: 'no-go', timeoutMs: 300_000 }, { kind: 'wait', durationMs: 1000 }]);
    const t = setup(d);
    const waiting = new Promise<void>((resolve) => t.on((e) => { if ('dayId' in e && e.type === 'step-started') resolve(); }));
    await waiting;
    await until(() => t.runner.status().waitingFor === 'gate');
    expect(t.runner.status().endsAtMs).toBe(Date.parse('2026-03-01T09:05:00Z'));
    t.clock.advance(299_999);
    t.clock.advance(1);
    const result = await t.runner.done;
    expect(t.dayEvents.find((e) => e.type === 'gate-answered')).toMatchObject({ answer: 'no-go', by: 'default', defaulted: 'timeout', at: '2026-03-01T09:05:00.000Z' });
    expect(result.outcome).toBe('stopped');
    expect(ended(t.dayEvents)).toEqual(['0:done', '1:not-run']);
  });

  it('gate answers: skip skips the next step; notes and checklist ticks are timestamped on the current step', async () => {
    const d = day([
      { kind: 'checklist', items: ['a', 'b'] },
      { kind: 'gate' },
      { kind: 'experiment', experiment: experiment({ durationMs: 5 }) },
      { kind: 'wait', durationMs: 10 },
    ]);
    const t = setup(d);
    await until(() => t.runner.status().waitingFor === 'checklist');
    await t.runner.note('dashboards are green');
    t.clock.advance(1_000);
    expect(t.runner.tick(1, 'bob')).toBe(true);
    expect(t.runner.tick(1, 'bob')).toBe(false);
    expect(t.runner.finishChecklist()).toBe(true);
    await until(() => t.runner.status().waitingFor === 'gate');
    expect(t.runner.answerGate('skip', { note: 'not today', by: 'alice' })).toBe(true);
    await until(() => t.runner.status().kind === 'wait' && t.runner.status().endsAtMs !== undefined);
    t.clock.advance(10);
    const result = await t.runner.done;
    expect(t.dayEvents.find((e) => e.type === 'note')).toMatchObject({ step: 0, text: 'dashboards are green', by: 'facilitator', at: '2026-03-01T09:00:00.000Z' });
    expect(t.dayEvents.find((e) => e.type === 'checklist-ticked')).toMatchObject({ step: 0, item: 1, text: 'b', by: 'bob', at: '2026-03-01T09:00:01.000Z' });
    expect(t.dayEvents.find((e) => e.type === 'gate-answered')).toMatchObject({ answer: 'skip', note: 'not today', by: 'alice' });
    expect(ended(t.dayEvents)).toEqual(['0:done', '1:done', '2:skipped', '3:done']);
    expect(t.runEvents).toEqual([]);
    expect(result.outcome).toBe('passed');
  });

  it('halt during an experiment aborts its run, which reverts before the day ends halted', async () => {
    const d = day([{ kind: 'experiment', experiment: experiment({ durationMs: 600_000 }) }, { kind: 'wait', durationMs: 10 }]);
    const t = setup(d);
    t.on((e) => { if (!('dayId' in e) && e.type === 'fault-injected') t.runner.halt('pager went off', 'alice'); });
    const result = await t.runner.done;
    expect(result.outcome).toBe('halted');
    expect(t.backend.active.size).toBe(0);
    expect(t.runEvents.at(-1)).toMatchObject({ type: 'verdict', outcome: 'aborted' });
    expect(t.dayEvents.find((e) => e.type === 'halt')).toMatchObject({ by: 'alice', reason: 'pager went off', step: 0 });
    expect(ended(t.dayEvents)).toEqual(['0:aborted', '1:not-run']);
    // the day ended only after the run's verdict
    const dayEnd = t.dayEvents.at(-1);
    expect(dayEnd?.type).toBe('day-ended');
  });

  it('abort step reverts that step only; the day goes on', async () => {
    const d = day([{ kind: 'experiment', experiment: experiment({ durationMs: 600_000 }) }, { kind: 'checklist', items: ['x'] }]);
    const t = setup(d);
    t.on((e) => { if (!('dayId' in e) && e.type === 'fault-injected') t.runner.abortStep(); });
    await until(() => t.runner.status().waitingFor === 'checklist');
    expect(t.backend.active.size).toBe(0);
    t.runner.tick(0);
    const result = await t.runner.done;
    expect(ended(t.dayEvents)).toEqual(['0:aborted', '1:done']);
    expect(result.outcome).toBe('failed');
    expect(result.reason).toMatch(/1 aborted/);
  });

  it('a day guard breach aborts the current step and stops the day, everything reverted', async () => {
    let broken = false;
    const budget = scriptedProbe('budget', () => ({ value: broken ? 'burning' : 'ok' }));
    const d = day(
      [{ kind: 'experiment', experiment: experiment({ durationMs: 600_000 }) }, { kind: 'gate' }],
      [{ name: 'error-budget', kind: 'budget', with: {}, expect: { equals: 'ok' }, timeoutMs: 100, everyMs: 5, breachAfter: 2 }],
    );
    const t = setup(d, { probes: [budget] });
    t.on((e) => { if (!('dayId' in e) && e.type === 'fault-injected') broken = true; });
    const result = await t.runner.done;
    expect(result.outcome).toBe('aborted');
    expect(result.reason).toMatch(/^day guard "error-budget" breached/);
    expect(t.backend.active.size).toBe(0);
    expect(t.dayEvents.find((e) => e.type === 'day-guard-breach')).toMatchObject({ guard: 'error-budget', step: 0 });
    expect(t.runEvents.find((e) => e.type === 'abort')).toMatchObject({ source: 'guard' });
    expect(ended(t.dayEvents)).toEqual(['0:aborted', '1:not-run']);
  });
});

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setImmediate(r));
}

describe('DayRunner when the journal fails', () => {
  it('a failed write while a run is active stops the day only after the run reverted', async () => {
    const d = day([{ kind: 'experiment', experiment: experiment({ durationMs: 600_000 }) }, { kind: 'wait', durationMs: 10 }]);
    const t = setup(d);
    const append = t.journal.append.bind(t.journal);
    let broken = false;
    t.journal.append = async (id, body) => {
      if (broken) throw new Error('disk full');
      return append(id, body);
    };
    t.on((e) => {
      if (!('dayId' in e) && e.type === 'fault-injected') {
        broken = true;
        t.runner.halt('pager went off');
      }
    });
    const result = await t.runner.done;
    expect(result.outcome).toBe('aborted');
    expect(result.reason).toMatch(/disk full/);
    expect(t.backend.active.size).toBe(0);
    expect(t.runEvents.at(-1)).toMatchObject({ type: 'verdict', outcome: 'aborted' });
  });
});

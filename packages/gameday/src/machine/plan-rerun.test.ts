import { createManualClock, newRunId, UsageError, ConflictError } from '@faultline/core';
import { Engine } from '@faultline/engine';
import { experiment, FakeBackend, fakeRegistry, MemoryJournal } from '@faultline/testing';
import { describe, expect, it } from 'vitest';
import type { GameDay } from '../model.js';
import { MemoryDayJournal } from '../journal/file-day-journal.js';
import { replayDay } from '../journal/replay-day.js';
import { DayRunner, type DayRunnerOptions } from './day-runner.js';
import { planRerun } from './plan-rerun.js';

const day: GameDay = {
  apiVersion: 'faultline.dev/v1', kind: 'GameDay',
  metadata: { name: 'rerun-day', participants: [], labels: {} },
  spec: {
    guards: [],
    steps: [
      { index: 0, title: 'holds', kind: 'experiment', source: { inline: true }, experiment: experiment({ name: 'holds', durationMs: 10 }), expect: 'completed' },
      { index: 1, title: 'should abort', kind: 'experiment', source: { inline: true }, experiment: experiment({ name: 'should-abort', durationMs: 10 }), expect: 'aborted' },
      { index: 2, title: 'go on?', kind: 'gate', question: 'Go on?', defaultAnswer: 'go', timeoutMs: 60_000 },
    ],
  },
};

function rig() {
  const clock = createManualClock('2026-03-01T09:00:00Z');
  const backend = new FakeBackend();
  backend.addTargets(1);
  const registry = fakeRegistry(backend);
  const engine = new Engine({ registry, journal: new MemoryJournal() });
  const journal = new MemoryDayJournal(clock);
  const run = (o: Partial<DayRunnerOptions>) => new DayRunner({
    day, journal, registry, clock, pollMs: 2, unattended: true, newRunId: () => newRunId(),
    startRun: (exp, s) => engine.start(exp, { ...(s.runId ? { runId: s.runId } : {}) }), ...o,
  }).done;
  return { journal, run, backend };
}

describe('planRerun', () => {
  it('reruns a day from its first failed step with the same plan: earlier steps are journaled skipped, the new day names its origin', async () => {
    const t = rig();
    const first = await t.run({});
    expect(first.outcome).toBe('failed');
    const plan = planRerun(first.dayId, await t.journal.read(first.dayId), { kind: 'rerun' });
    expect(plan.origin).toEqual({ kind: 'rerun', dayId: first.dayId, fromStep: 1 });
    expect(plan.day).toEqual(day);
    const second = await t.run({ day: plan.day, origin: plan.origin });
    expect(second.dayId).not.toBe(first.dayId);
    const events = await t.journal.read(second.dayId);
    expect(events[0]).toMatchObject({ type: 'day-created', origin: { kind: 'rerun', dayId: first.dayId, fromStep: 1 } });
    expect(events.filter((e) => e.type === 'step-started').map((e) => e.type === 'step-started' && e.step)).toEqual([1, 2]);
    expect(replayDay(events).statuses.get(0)).toBe('skipped');
    expect(events.find((e) => e.type === 'step-ended' && e.step === 0)).toMatchObject({ reason: `rerun of day ${first.dayId} from step 2: not run again` });
    expect(second.steps.get(1)).toBe('failed'); // the fake still does not abort: the same verdict again
    expect(t.backend.active.size).toBe(0);
  });

  it('clones a whole day, takes an explicit step, and refuses steps out of range, unended days and days with nothing to rerun', async () => {
    const t = rig();
    const first = await t.run({});
    const events = await t.journal.read(first.dayId);
    expect(planRerun(first.dayId, events, { kind: 'clone', fromStep: 2 }).origin.fromStep).toBe(0);
    expect(planRerun(first.dayId, events, { kind: 'rerun', fromStep: 2 }).origin.fromStep).toBe(2);
    expect(() => planRerun(first.dayId, events, { kind: 'rerun', fromStep: 3 })).toThrow(UsageError);
    expect(() => planRerun(first.dayId, events, { kind: 'rerun', fromStep: -1 })).toThrow(/step 0 does not exist/);
    expect(() => planRerun(first.dayId, events.slice(0, -1), { kind: 'rerun' })).toThrow(ConflictError);
    const passedDay = { ...day, spec: { ...day.spec, steps: day.spec.steps.filter((s) => s.index !== 1).map((s, index) => ({ ...s, index })) } };
    const passed = await t.run({ day: passedDay });
    expect(passed.outcome).toBe('passed');
    expect(() => planRerun(passed.dayId, [], { kind: 'rerun' })).toThrow(/damaged/);
    const ok = await t.journal.read(passed.dayId);
    expect(() => planRerun(passed.dayId, ok, { kind: 'rerun' })).toThrow(/no failed, aborted or unrun step/);
  });
});

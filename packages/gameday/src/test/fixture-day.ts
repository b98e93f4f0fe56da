import { newRunId, systemClock, type JournalEvent } from '@faultline/core';
import { Engine } from '@faultline/engine';
import { experiment, FakeBackend, fakeRegistry, MemoryJournal, scriptedProbe } from '@faultline/testing';
import type { DayEvent } from '../journal/day-events.js';
import { MemoryDayJournal } from '../journal/file-day-journal.js';
import { DayRunner } from '../machine/day-runner.js';
import type { GameDay } from '../model.js';

/** Hostile text in every free-form field: the report must show it as text. */
export const HOSTILE = '<script>alert(1)</script> & "quotes" | pipes';

/**
 * A real day through the real step machine and engine (fake backend): a checklist with one tick, an
 * experiment whose guard trips (expected), a gate answered with a note, an experiment that holds,
 * observations (one hostile), and a day guard observed throughout.
 */
export async function fixtureDay(): Promise<{ events: DayEvent[]; runs: Map<string, JournalEvent[]>; backend: FakeBackend }> {
  const backend = new FakeBackend();
  backend.addTargets(2);
  let breaking = false;
  const registry = fakeRegistry(backend, [
    scriptedProbe('ok', () => ({ value: 'ok' })),
    scriptedProbe('checkout', (n) => ({ value: breaking ? 500 + n : 120 + (n % 5) })),
    scriptedProbe('budget', (n) => ({ value: 0.99 - n * 0.0001 })),
  ]);
  const runJournal = new MemoryJournal();
  const dayJournal = new MemoryDayJournal(systemClock);
  const day: GameDay = {
    apiVersion: 'faultline.dev/v1', kind: 'GameDay',
    metadata: { name: 'storefront-q3', facilitator: 'alice', participants: ['bob', HOSTILE], hypothesis: `Checkout survives ${HOSTILE}`, labels: { team: 'shop' } },
    spec: {
      description: 'Quarterly game day.',
      guards: [{ name: 'error-budget', kind: 'budget', with: {}, expect: { above: 0.9 }, timeoutMs: 100, everyMs: 20, breachAfter: 3 }],
      steps: [
        { index: 0, title: 'Announce', kind: 'checklist', items: ['Status page', HOSTILE] },
        {
          index: 1, title: 'Break checkout', kind: 'experiment', source: { inline: true }, expect: 'aborted', briefing: 'Watch the p99.',
          experiment: experiment({ name: 'break-checkout', durationMs: 60_000, guards: [{ name: 'checkout-p99', kind: 'checkout', expect: { below: 400 }, everyMs: 10, breachAfter: 2 }] }),
        },
        { index: 2, title: 'Paged?', kind: 'gate', question: 'Was on-call paged?', defaultAnswer: 'no-go', timeoutMs: 600_000 },
        { index: 3, title: 'Hold steady', kind: 'experiment', source: { inline: true }, expect: 'completed', experiment: experiment({ name: 'hold-steady', durationMs: 50 }) },
      ],
    },
  };
  const engine = new Engine({
    registry, journal: runJournal,
    onEvent: (e) => { if (e.type === 'fault-injected' && e.runId === runJournal.runs.keys().next().value) breaking = true; if (e.type === 'verdict') breaking = false; },
  });
  const runner = new DayRunner({
    day, journal: dayJournal, registry, newRunId: () => newRunId(), pollMs: 2,
    startRun: (exp, o) => engine.start(exp, o.runId ? { runId: o.runId } : {}),
    onEvent: (e) => {
      if (e.type === 'step-started' && e.step === 1) void runner.note(`p99 climbing ${HOSTILE}`, 'bob');
    },
  });
  const ready = async (cond: () => boolean) => { while (!cond()) await new Promise((r) => setImmediate(r)); };
  await ready(() => runner.status().waitingFor === 'checklist');
  runner.tick(1, 'bob');
  runner.finishChecklist();
  await ready(() => runner.status().waitingFor === 'gate');
  await runner.note('pager fired after 40s');
  runner.answerGate('go', { note: `paged ${HOSTILE}`, by: 'alice' });
  await runner.done;
  return { events: await dayJournal.read(runner.dayId), runs: runJournal.runs, backend };
}

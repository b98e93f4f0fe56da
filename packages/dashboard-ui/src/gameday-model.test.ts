import { describe, expect, it } from 'vitest';
import { foldDay, type DayEventView } from './gameday-model.js';

const at = (s: number) => `2030-05-01T10:00:${String(s).padStart(2, '0')}.000Z`;
const created: DayEventView = {
  seq: 1, at: at(0), type: 'day-created',
  day: { metadata: { name: 'q2-day', facilitator: 'alice', hypothesis: 'checkout survives' }, spec: { steps: [
    { index: 0, kind: 'gate', title: 'Ready?', question: 'Is on-call told?', defaultAnswer: 'no-go' },
    { index: 1, kind: 'experiment', title: 'Slow inventory' },
    { index: 2, kind: 'wait', title: 'Settle' },
  ] } },
};

describe('foldDay', () => {
  it('follows steps, the gate answer, the run and notes, in journal order', () => {
    const events: DayEventView[] = [
      created,
      { seq: 2, at: at(1), type: 'step-started', step: 0, kind: 'gate', title: 'Ready?' },
      { seq: 3, at: at(2), type: 'note', step: 0, text: 'dashboards open', by: 'bob' },
      { seq: 4, at: at(3), type: 'gate-answered', step: 0, answer: 'go', note: 'told #ops', by: 'alice' },
      { seq: 5, at: at(3), type: 'step-ended', step: 0, status: 'done', reason: 'answered go' },
      { seq: 6, at: at(4), type: 'step-started', step: 1, kind: 'experiment', title: 'Slow inventory' },
      { seq: 7, at: at(4), type: 'step-run', step: 1, runId: 'r00000000000a' },
    ];
    const m = foldDay(events);
    expect(m).toMatchObject({ name: 'q2-day', facilitator: 'alice', hypothesis: 'checkout survives' });
    expect(m.steps.map((s) => s.state)).toEqual(['done', 'in progress', 'waiting']);
    expect(m.steps[0]).toMatchObject({ question: 'Is on-call told?', defaultAnswer: 'no-go', answer: { answer: 'go', by: 'alice', at: at(3), note: 'told #ops' } });
    expect(m.steps[1]?.runId).toBe('r00000000000a');
    expect(m.notes).toEqual([{ at: at(2), by: 'bob', text: 'dashboards open', step: 0 }]);
    expect(m.outcome).toBeUndefined();
  });

  it('ends with the day outcome, the step verdicts and breaches; a defaulted gate says so', () => {
    const m = foldDay([
      created,
      { seq: 2, at: at(1), type: 'step-started', step: 0 },
      { seq: 3, at: at(9), type: 'gate-answered', step: 0, answer: 'no-go', by: 'faultline', defaulted: 'timeout' },
      { seq: 4, at: at(9), type: 'step-ended', step: 0, status: 'done', reason: 'no-go (default after timeout)' },
      { seq: 5, at: at(9), type: 'day-guard-breach', guard: 'inventory-up', reason: 'status 503' },
      { seq: 6, at: at(10), type: 'step-ended', step: 1, status: 'not-run', reason: 'the day stopped' },
      { seq: 7, at: at(10), type: 'day-ended', outcome: 'stopped', reason: 'gate answered no-go' },
    ]);
    expect(m.steps[0]?.answer).toMatchObject({ answer: 'no-go', defaulted: 'timeout' });
    expect(m.steps[1]).toMatchObject({ state: 'not-run', reason: 'the day stopped' });
    expect(m.breaches).toEqual([{ at: at(9), guard: 'inventory-up', reason: 'status 503' }]);
    expect(m).toMatchObject({ outcome: 'stopped', reason: 'gate answered no-go' });
  });

  it('ignores events before the day is known and unknown event types', () => {
    expect(foldDay([{ seq: 1, at: at(0), type: 'step-started', step: 0 }, { seq: 2, at: at(0), type: 'something-new' }]).steps).toEqual([]);
  });
});

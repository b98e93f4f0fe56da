/** The game-day page's view of a day: a pure fold of its journal (the shapes of @faultline/gameday's DayEvent). */
export interface DayEventView {
  seq: number;
  at: string;
  type: string;
  step?: number;
  [k: string]: unknown;
}

export interface StepView {
  index: number;
  kind: 'experiment' | 'gate' | 'wait' | 'checklist';
  title: string;
  question?: string;
  defaultAnswer?: string;
  state: 'waiting' | 'in progress' | 'passed' | 'failed' | 'done' | 'skipped' | 'aborted' | 'not-run';
  reason?: string;
  runId?: string;
  outcome?: string;
  answer?: { answer: string; by: string; at: string; note?: string; defaulted?: string };
  startedAt?: string;
  endedAt?: string;
}

export interface NoteView { at: string; by: string; text: string; step?: number }

export interface DayModel {
  name: string;
  facilitator?: string;
  hypothesis?: string;
  steps: StepView[];
  notes: NoteView[];
  breaches: Array<{ at: string; guard: string; reason: string }>;
  outcome?: string;
  reason?: string;
}

interface RawStep { index: number; kind: StepView['kind']; title: string; question?: string; defaultAnswer?: string }

export function foldDay(events: readonly DayEventView[]): DayModel {
  const m: DayModel = { name: '', steps: [], notes: [], breaches: [] };
  for (const e of events) {
    const step = typeof e.step === 'number' ? m.steps[e.step] : undefined;
    switch (e.type) {
      case 'day-created': {
        const day = e['day'] as { metadata: { name: string; facilitator?: string; hypothesis?: string }; spec: { steps: RawStep[] } };
        m.name = day.metadata.name;
        if (day.metadata.facilitator) m.facilitator = day.metadata.facilitator;
        if (day.metadata.hypothesis) m.hypothesis = day.metadata.hypothesis;
        m.steps = day.spec.steps.map((s) => ({
          index: s.index, kind: s.kind, title: s.title, state: 'waiting',
          ...(s.kind === 'gate' ? { question: s.question ?? '', defaultAnswer: s.defaultAnswer ?? 'no-go' } : {}),
        }));
        break;
      }
      case 'step-started':
        if (step) { step.state = 'in progress'; step.startedAt = e.at; }
        break;
      case 'step-run':
        if (step) step.runId = e['runId'] as string;
        break;
      case 'gate-answered':
        if (step) {
          step.answer = { answer: e['answer'] as string, by: e['by'] as string, at: e.at, ...(e['note'] ? { note: e['note'] as string } : {}), ...(e['defaulted'] ? { defaulted: e['defaulted'] as string } : {}) };
        }
        break;
      case 'note':
        m.notes.push({ at: e.at, by: e['by'] as string, text: e['text'] as string, ...(typeof e.step === 'number' ? { step: e.step } : {}) });
        break;
      case 'day-guard-breach':
        m.breaches.push({ at: e.at, guard: e['guard'] as string, reason: e['reason'] as string });
        break;
      case 'step-ended':
        if (step) {
          step.state = e['status'] as StepView['state'];
          step.reason = e['reason'] as string;
          step.endedAt = e.at;
          if (e['runId']) step.runId = e['runId'] as string;
          if (e['outcome']) step.outcome = e['outcome'] as string;
        }
        break;
      case 'day-ended':
        m.outcome = e['outcome'] as string;
        m.reason = e['reason'] as string;
        break;
      default:
        break;
    }
  }
  return m;
}

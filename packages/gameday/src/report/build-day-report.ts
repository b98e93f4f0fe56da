import type { JournalEvent, Json } from '@faultline/core';
import { buildRunReport, type RunReport } from '@faultline/report';
import type { DayOutcome, GameDayStep, GateAnswer, StepKind, StepStatus } from '../model.js';
import type { DayEvent, DayOrigin } from '../journal/day-events.js';
import { replayDay } from '../journal/replay-day.js';

export interface DayNote { at: string; text: string; by: string; step?: number }

export interface StepReport {
  index: number;
  title: string;
  kind: StepKind;
  briefing?: string;
  description: string;
  status: StepStatus | 'running';
  reason?: string;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  notes: DayNote[];
  /** Experiment steps. */
  experiment?: {
    name: string;
    runId?: string;
    expected: string;
    outcome?: string;
    matched?: boolean;
    timeToDetectMs?: number;
    timeToRevertMs?: number;
    breachToRevertedMs?: number;
    faults: { fault: string; target: string; reverted: boolean }[];
    run?: RunReport;
  };
  gate?: { question: string; answer?: GateAnswer; note?: string; by?: string; defaulted?: string; answeredAt?: string; defaultAnswer: GateAnswer };
  checklist?: { items: { text: string; tickedAt?: string; by?: string }[] };
  waitMs?: number;
}

export interface TimelineEntry { at: string; step?: number; kind: 'day' | 'step' | 'gate' | 'note' | 'tick' | 'guard' | 'halt' | 'resume'; text: string }

export interface DayReport {
  schemaVersion: 1;
  dayId: string;
  name: string;
  facilitator?: string;
  participants: string[];
  hypothesis?: string;
  description?: string;
  labels: Record<string, string>;
  outcome: DayOutcome | 'running';
  reason: string;
  /** A rerun or clone of another day. */
  origin?: DayOrigin;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  steps: StepReport[];
  notes: DayNote[];
  timeline: TimelineEntry[];
  guards: { name: string; observations: { at: string; ok: boolean; observed: Json; reason: string }[]; breach?: { at: string; reason: string } }[];
  warnings: string[];
}

const ms = (a: string, b: string) => Date.parse(b) - Date.parse(a);

function describe(step: GameDayStep): string {
  switch (step.kind) {
    case 'experiment': return `experiment ${step.experiment?.metadata.name ?? ('file' in step.source ? step.source.file : 'inline')}, expect ${step.expect}`;
    case 'gate': return `gate: ${step.question}`;
    case 'wait': return `wait ${step.durationMs / 1000}s`;
    case 'checklist': return `checklist of ${step.items.length}`;
  }
}

/**
 * The day as data, from the day's journal and the journals of its runs (pure; callers read files).
 * Per experiment step: expected vs actual verdict, time to detect and time to revert from its run report.
 */
export function buildDayReport(events: readonly DayEvent[], runs: ReadonlyMap<string, readonly JournalEvent[]>): DayReport {
  const replayed = replayDay(events);
  const day = replayed.day;
  if (!day || events.length === 0) throw new Error('the game-day journal has no day-created entry; it is empty or damaged');
  const first = events[0] as DayEvent;
  const last = events.at(-1) as DayEvent;
  const warnings: string[] = [];
  const notes: DayNote[] = [];
  const timeline: TimelineEntry[] = [];
  const steps: StepReport[] = day.spec.steps.map((s) => ({
    index: s.index, title: s.title, kind: s.kind, description: describe(s), status: 'not-run', notes: [],
    ...(s.briefing ? { briefing: s.briefing } : {}),
    ...(s.kind === 'experiment' ? { experiment: { name: s.experiment?.metadata.name ?? 'experiment', expected: s.expect, faults: [] } } : {}),
    ...(s.kind === 'gate' ? { gate: { question: s.question, defaultAnswer: s.defaultAnswer } } : {}),
    ...(s.kind === 'checklist' ? { checklist: { items: s.items.map((text) => ({ text })) } } : {}),
    ...(s.kind === 'wait' ? { waitMs: s.durationMs } : {}),
  }));
  const guards = new Map<string, DayReport['guards'][number]>();
  for (const g of day.spec.guards) guards.set(g.name, { name: g.name, observations: [] });

  for (const e of events) {
    const step = 'step' in e && typeof e.step === 'number' ? steps[e.step] : undefined;
    switch (e.type) {
      case 'day-created':
        timeline.push({ at: e.at, kind: 'day', text: `day started${e.origin ? ` (${e.origin.kind} of day ${e.origin.dayId} from step ${e.origin.fromStep + 1})` : ''}${e.unattended ? ' (unattended: gates took their defaults)' : ''}` });
        break;
      case 'resumed':
        timeline.push({ at: e.at, kind: 'resume', text: `resumed by ${e.by}: ${e.decision} from step ${e.fromStep + 1}${e.recovered.length ? ` (${e.recovered.map((r) => `step ${r.step + 1}: ${r.detail}`).join('; ')})` : ''}` });
        break;
      case 'step-started':
        if (step) {
          step.startedAt = e.at;
          step.status = 'running';
        }
        timeline.push({ at: e.at, step: e.step, kind: 'step', text: `step ${e.step + 1} started: ${e.title}` });
        break;
      case 'step-run':
        if (step?.experiment) step.experiment.runId = e.runId;
        break;
      case 'gate-answered':
        if (step?.gate) Object.assign(step.gate, { answer: e.answer, by: e.by, answeredAt: e.at, ...(e.note ? { note: e.note } : {}), ...(e.defaulted ? { defaulted: e.defaulted } : {}) });
        timeline.push({ at: e.at, step: e.step, kind: 'gate', text: `gate answered ${e.answer}${e.defaulted ? ` (default, ${e.defaulted})` : ` by ${e.by}`}${e.note ? `: ${e.note}` : ''}` });
        break;
      case 'checklist-ticked': {
        const item = step?.checklist?.items[e.item];
        if (item) Object.assign(item, { tickedAt: e.at, by: e.by });
        timeline.push({ at: e.at, step: e.step, kind: 'tick', text: `ticked "${e.text}" (${e.by})` });
        break;
      }
      case 'note': {
        const n: DayNote = { at: e.at, text: e.text, by: e.by, ...(e.step !== undefined ? { step: e.step } : {}) };
        if (step) step.notes.push(n);
        else notes.push(n);
        timeline.push({ at: e.at, ...(e.step !== undefined ? { step: e.step } : {}), kind: 'note', text: `${e.by}: ${e.text}` });
        break;
      }
      case 'guard-observation':
        guards.get(e.guard)?.observations.push({ at: e.at, ok: e.ok, observed: e.observed, reason: e.reason });
        break;
      case 'day-guard-breach': {
        const g = guards.get(e.guard);
        if (g) g.breach = { at: e.at, reason: e.reason };
        timeline.push({ at: e.at, ...(e.step !== undefined ? { step: e.step } : {}), kind: 'guard', text: `day guard "${e.guard}" breached: ${e.reason}` });
        break;
      }
      case 'halt':
        timeline.push({ at: e.at, ...(e.step !== undefined ? { step: e.step } : {}), kind: 'halt', text: `halted by ${e.by}: ${e.reason}` });
        break;
      case 'step-ended':
        if (step) {
          step.status = e.status;
          step.reason = e.reason;
          if (e.status !== 'not-run') {
            step.endedAt = e.at;
            if (step.startedAt) step.durationMs = ms(step.startedAt, e.at);
          }
          if (step.experiment && e.runId) step.experiment.runId = e.runId;
          if (step.experiment && e.outcome) step.experiment.outcome = e.outcome;
        }
        if (e.status !== 'not-run') timeline.push({ at: e.at, step: e.step, kind: 'step', text: `step ${e.step + 1} ${e.status}: ${e.reason}` });
        break;
      case 'day-ended':
        timeline.push({ at: e.at, kind: 'day', text: `day ended ${e.outcome}: ${e.reason}` });
        break;
    }
  }

  for (const s of steps) {
    const x = s.experiment;
    if (!x?.runId) continue;
    const runEvents = runs.get(x.runId);
    if (!runEvents?.length) {
      if (s.status !== 'not-run' && s.status !== 'skipped') warnings.push(`step ${s.index + 1}: the journal of run ${x.runId} was not found; timings are missing`);
      continue;
    }
    const run = buildRunReport([...runEvents]);
    x.run = run;
    if (!x.outcome && run.outcome !== 'running') x.outcome = run.outcome;
    if (run.timings.timeToDetectMs !== undefined) x.timeToDetectMs = run.timings.timeToDetectMs;
    if (run.timings.timeToRevertMs !== undefined) x.timeToRevertMs = run.timings.timeToRevertMs;
    if (run.timings.breachToRevertedMs !== undefined) x.breachToRevertedMs = run.timings.breachToRevertedMs;
    x.faults = run.faults.map((f) => ({ fault: f.fault, target: f.target.name, reverted: f.phase === 'reverted' }));
  }
  for (const s of steps) if (s.experiment?.outcome && s.status !== 'aborted') s.experiment.matched = s.experiment.outcome === s.experiment.expected;

  timeline.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const m = day.metadata;
  return {
    schemaVersion: 1,
    dayId: first.dayId,
    name: m.name,
    ...(m.facilitator ? { facilitator: m.facilitator } : {}),
    participants: [...m.participants],
    ...(m.hypothesis ? { hypothesis: m.hypothesis } : {}),
    ...(day.spec.description ? { description: day.spec.description } : {}),
    labels: { ...m.labels },
    outcome: replayed.ended?.outcome ?? 'running',
    ...(first.type === 'day-created' && first.origin ? { origin: first.origin } : {}),
    reason: replayed.ended?.reason ?? (replayed.inFlight ? `the day stopped during step ${replayed.inFlight.step + 1} and was not resumed; run \`faultline gameday resume ${first.dayId}\`` : 'the day has not ended'),
    startedAt: first.at,
    endedAt: last.at,
    durationMs: ms(first.at, last.at),
    steps,
    notes,
    timeline,
    guards: [...guards.values()],
    warnings,
  };
}

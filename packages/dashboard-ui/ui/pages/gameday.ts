import { useEffect, useRef, useState } from 'preact/hooks';
import { api, can, type ApiError } from '../api.js';
import { when } from '../format.js';
import { foldDay, type DayEventView, type StepView } from '../../src/gameday-model.js';
import { html } from '../html.js';
import { useApp } from '../session.js';

interface DayStatus { dayId: string; step?: number; kind?: string; waitingFor?: 'gate' | 'checklist'; endsAtMs?: number; runId?: string; runState?: string; finished: boolean }
interface DayAnswer { status: DayStatus; outcome?: string; reason?: string; events: DayEventView[] }

/** Day outcomes and step states as badge tones. */
export function dayTone(s: string): string {
  if (s === 'passed' || s === 'done') return 'ok';
  if (s === 'failed' || s === 'aborted') return 'bad';
  if (s === 'stopped' || s === 'halted' || s === 'skipped' || s === 'revert-pending' || s === 'not-run') return 'warn';
  if (s === 'waiting') return 'idle';
  return 'live';
}

/**
 * Follows a day: the journal over SSE (EventSource resumes with Last-Event-ID after a blip) triggers a
 * reload of the day's status and events, at most once a second.
 */
function useDay(dayId: string): { day?: DayAnswer; error?: string; reload: () => void } {
  const [day, setDay] = useState<DayAnswer | undefined>();
  const [error, setError] = useState<string | undefined>();
  const pending = useRef(0);
  const load = () => api<DayAnswer>('GET', `/v1/gamedays/${dayId}`).then((d) => { setDay(d); setError(undefined); }, (err: ApiError) => setError(err.status === 404 ? `Game day ${dayId} does not exist on this controller.` : err.message));
  useEffect(() => {
    void load();
    const es = new EventSource(`/v1/gamedays/${encodeURIComponent(dayId)}/events`);
    const soon = () => {
      if (pending.current) return;
      pending.current = window.setTimeout(() => { pending.current = 0; void load(); }, 1000);
    };
    for (const t of ['step-started', 'step-run', 'gate-answered', 'checklist-ticked', 'note', 'day-guard-breach', 'step-ended', 'halt', 'resumed', 'day-ended']) es.addEventListener(t, soon);
    es.addEventListener('day-ended', () => es.close());
    // The run state of the current step changes without a day event: poll the status too while live.
    const t = setInterval(load, 3000);
    return () => { es.close(); clearInterval(t); if (pending.current) clearTimeout(pending.current); };
  }, [dayId]);
  return { ...(day ? { day } : {}), ...(error ? { error } : {}), reload: () => void load() };
}

function Step({ s, status }: { s: StepView; status: DayStatus }) {
  const current = !status.finished && status.step === s.index;
  return html`<li class=${`step${current ? ' current' : ''}`} aria-current=${current ? 'step' : undefined}>
    <div class="step-head">
      <span class="muted">${s.index + 1}.</span> <strong>${s.title}</strong> <span class="muted">(${s.kind})</span>
      <span class=${`badge ${dayTone(s.state)}`}>${current && status.waitingFor === 'gate' ? 'waiting for an answer' : s.state}</span>
    </div>
    ${s.kind === 'gate' ? html`<p class="gate-q">Question: ${s.question}</p>
      ${s.answer ? html`<p>Answer: <strong>${s.answer.answer}</strong> by ${s.answer.by} at <span class="mono">${when(s.answer.at)}</span>${s.answer.defaulted ? html` <span class="muted">(default, ${s.answer.defaulted})</span>` : null}${s.answer.note ? html`: ${s.answer.note}` : null}</p>` : html`<p class="muted">Not answered yet (default: ${s.defaultAnswer}).</p>`}` : null}
    ${s.runId ? html`<p>Run <a class="mono" href=${`/ui/runs/${s.runId}`}>${s.runId}</a>${current && status.runState ? html` <span class="muted">(${status.runState})</span>` : null}${s.outcome ? html` → ${s.outcome}` : null}</p>` : null}
    ${s.reason && s.state !== 'in progress' ? html`<p class="muted small">${s.reason}</p>` : null}
  </li>`;
}

function GateForm({ dayId, question, onDone }: { dayId: string; question: string; onDone: () => void }) {
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | undefined>();
  const answer = async (a: 'go' | 'skip' | 'no-go') => {
    try {
      await api('POST', `/v1/gamedays/${dayId}/gate`, { answer: a, ...(note.trim() ? { note: note.trim() } : {}) });
      setNote('');
      setError(undefined);
      onDone();
    } catch (err) {
      setError((err as ApiError).message);
    }
  };
  return html`<section class="panel" aria-labelledby="gate-h">
    <h2 id="gate-h">Answer the gate</h2>
    <p class="gate-ask">${question}</p>
    <label for="gate-note">Note with the answer (optional)</label>
    <input id="gate-note" maxlength="4000" value=${note} onInput=${(e: Event) => setNote((e.target as HTMLInputElement).value)} />
    <div class="actions">
      <button onClick=${() => void answer('go')}>Go</button>
      <button onClick=${() => void answer('skip')}>Skip next step</button>
      <button class="danger" onClick=${() => void answer('no-go')}>No-go (end the day)</button>
    </div>
    ${error ? html`<p role="alert" class="error">${error}</p>` : null}
  </section>`;
}

function NoteForm({ dayId, onDone }: { dayId: string; onDone: () => void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = async (ev: Event) => {
    ev.preventDefault();
    try {
      await api('POST', `/v1/gamedays/${dayId}/notes`, { text: text.trim() });
      setText('');
      setError(undefined);
      onDone();
    } catch (err) {
      setError((err as ApiError).message);
    }
  };
  return html`<form class="note-form" onSubmit=${submit}>
    <label for="note-text">Add an observation</label>
    <textarea id="note-text" rows="2" maxlength="4000" value=${text} onInput=${(e: Event) => setText((e.target as HTMLTextAreaElement).value)}></textarea>
    <button type="submit" disabled=${text.trim() === ''}>Add note</button>
    ${error ? html`<p role="alert" class="error">${error}</p>` : null}
  </form>`;
}

/** One game day, live: steps with their state, gates with question and answer, observations, the current run. */
export function GameDayPage({ dayId }: { dayId: string }) {
  const { session } = useApp();
  const { day, error, reload } = useDay(dayId);
  if (error && !day) return html`<h1>Game day</h1><p role="alert" class="error">${error}</p><p><a href="/ui/gamedays">All game days</a></p>`;
  if (!day) return html`<p aria-busy="true">Loading…</p>`;
  const m = foldDay(day.events);
  const outcome = day.outcome ?? m.outcome;
  const gateWaiting = !day.status.finished && day.status.waitingFor === 'gate';
  return html`
    <p class="crumbs"><a href="/ui/gamedays">Game days</a> / ${m.name}</p>
    <h1>${m.name} <span id="day-state" class=${`badge big ${outcome ? dayTone(outcome) : 'live'}`}>${outcome ?? 'in progress'}</span></h1>
    ${m.facilitator || m.hypothesis ? html`<p>${m.facilitator ? html`Facilitator: ${m.facilitator}. ` : null}${m.hypothesis ? html`Hypothesis: ${m.hypothesis}` : null}</p>` : null}
    ${day.reason ?? m.reason ? html`<p id="day-reason">${day.reason ?? m.reason}</p>` : null}
    ${error ? html`<p role="alert" class="error">${error}</p>` : null}
    ${outcome ? html`<p><a href=${`/v1/gamedays/${dayId}/report?format=html`} target="_blank" rel="noopener">Day report (HTML)</a></p>` : null}
    ${gateWaiting && can(session, 'run') ? html`<${GateForm} dayId=${dayId} question=${m.steps[day.status.step ?? -1]?.question ?? ''} onDone=${reload} />` : null}
    <div class="split">
      <section aria-labelledby="steps-h">
        <h2 id="steps-h">Steps</h2>
        <ol class="steps">${m.steps.map((s) => html`<${Step} key=${s.index} s=${s} status=${day.status} />`)}</ol>
      </section>
      <section aria-labelledby="obs-h">
        <h2 id="obs-h">Observations</h2>
        ${m.breaches.map((b) => html`<p class="error"><span class="mono">${when(b.at)}</span> guard ${b.guard} breached: ${b.reason}</p>`)}
        ${m.notes.length === 0 ? html`<p class="muted">No observations yet.</p>` : html`<ol class="notes">${m.notes.map((n) => html`<li><span class="mono">${when(n.at)}</span> <strong>${n.by}</strong>${n.step !== undefined ? html` <span class="muted">(step ${n.step + 1})</span>` : null}: ${n.text}</li>`)}</ol>`}
        ${!day.status.finished ? html`<${NoteForm} dayId=${dayId} onDone=${reload} />` : null}
      </section>
    </div>`;
}

import { useEffect, useState } from 'preact/hooks';
import { api, can, type ApiError } from '../api.js';
import { when } from '../format.js';
import { html } from '../html.js';
import { useApp } from '../session.js';
import type { ScheduleView } from './schedules.js';

interface Preview {
  timeZone: string;
  /** The slots are those of the active schedule (asIfActive); while paused none of them fires. */
  paused: boolean;
  fires: Array<{ at: string; local: string; dst?: string }>;
  skipped: Array<{ reason: string; from: string; to: string; fromLocal: string; toLocal: string; count: number }>;
  truncated: boolean;
}
interface Fire { fireId: number; at: string; decision: string; reason?: string; runId?: string }

type Row = { at: string; fire?: Preview['fires'][number]; skip?: Preview['skipped'][number] };

function Slot({ row: r, paused }: { row: Row; paused: boolean }) {
  if (r.fire && paused) return html`<li class="skip"><span class="badge warn">skipped</span> <span class="mono">${r.fire.local}</span>${r.fire.dst ? html` <span class="muted">(${r.fire.dst})</span>` : null}: paused <span class="muted">(fires once resumed)</span></li>`;
  if (r.fire) return html`<li class="fire"><span class="badge ok">fires</span> <span class="mono">${r.fire.local}</span>${r.fire.dst ? html` <span class="muted">(${r.fire.dst})</span>` : null}</li>`;
  const k = r.skip!;
  return html`<li class="skip"><span class="badge warn">skipped</span> <span class="mono">${k.fromLocal}${k.count > 1 ? ` … ${k.toLocal}` : ''}</span> <span class="muted">${k.count} slot${k.count > 1 ? 's' : ''}</span>: ${k.reason}</li>`;
}

/** A schedule: next 14 days of fire times with the reason other slots are skipped, pause/resume, history. */
export function SchedulePage({ id }: { id: string }) {
  const { session } = useApp();
  const [s, setS] = useState<ScheduleView | undefined>();
  const [preview, setPreview] = useState<Preview | undefined>();
  const [fires, setFires] = useState<Fire[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [tick, setTick] = useState(0);
  const base = `/v1/schedules/${encodeURIComponent(id)}`;
  useEffect(() => {
    api<ScheduleView>('GET', base).then(setS, (err: ApiError) => setError(err.status === 404 ? `Schedule "${id}" does not exist.` : err.message));
    api<Preview>('GET', `${base}/preview?limit=200&asIfActive=true`).then(setPreview, (err: ApiError) => setError(err.message));
    api<{ fires: Fire[] }>('GET', `${base}/history?limit=50`).then((r) => setFires(r.fires), () => undefined);
  }, [id, tick]);
  if (error) return html`<h1>Schedule</h1><p role="alert" class="error">${error}</p><p><a href="/ui/schedules">All schedules</a></p>`;
  if (!s) return html`<p aria-busy="true">Loading…</p>`;
  const toggle = async () => {
    try {
      await api('POST', `${base}/${s.paused ? 'resume' : 'pause'}`);
      setTick((n) => n + 1);
    } catch (err) {
      setError((err as ApiError).message);
    }
  };
  const rows: Row[] = preview ? [...preview.fires.map((f) => ({ at: f.at, fire: f })), ...preview.skipped.map((k) => ({ at: k.from, skip: k }))].sort((a, b) => a.at.localeCompare(b.at)) : [];
  return html`
    <p class="crumbs"><a href="/ui/schedules">Schedules</a> / ${s.name}</p>
    <h1>${s.name} <span class=${`badge big ${s.paused ? 'warn' : 'ok'}`}>${s.paused ? 'paused' : 'active'}</span></h1>
    ${can(session, 'run') ? html`<p><button onClick=${toggle}>${s.paused ? 'Resume' : 'Pause'}</button></p>` : null}
    <div class="split">
      <section aria-labelledby="next-h">
        <h2 id="next-h">Next 14 days${preview ? html` <span class="muted">(${preview.timeZone})</span>` : null}</h2>
        ${preview?.paused ? html`<p class="notice" role="status">Paused: none of these slots fires until the schedule is resumed (slots missed while paused never fire later).</p>` : null}
        <div id="next-list">${!preview ? html`<p aria-busy="true">Loading…</p>` : rows.length === 0 ? html`<p class="muted">No candidate slots in the next 14 days.</p>` : html`<ol class="slots">${rows.map((r) => html`<${Slot} key=${r.at + (r.fire ? 'f' : 's')} row=${r} paused=${preview.paused} />`)}</ol>`}</div>
        ${preview?.truncated ? html`<p class="muted">…more (list truncated)</p>` : null}
      </section>
      <section aria-labelledby="hist-h">
        <h2 id="hist-h">History</h2>
        ${!fires ? html`<p aria-busy="true">Loading…</p>` : fires.length === 0 ? html`<p class="muted">Never fired.</p>` : html`<ol class="slots">${fires.map((f) => html`<li>
          <span class=${`badge ${f.decision === 'started' ? 'ok' : 'warn'}`}>${f.decision}</span> <span class="mono">${when(f.at)}</span>
          ${f.runId ? html` → <a href=${`/ui/runs/${f.runId}`} class="mono">${f.runId}</a>` : null}${f.reason ? html` <span class="muted">${f.reason}</span>` : null}</li>`)}</ol>`}
      </section>
    </div>`;
}

import { useEffect, useState } from 'preact/hooks';
import { api, type ApiError } from '../api.js';
import { when } from '../format.js';
import { html } from '../html.js';

export interface ScheduleView {
  scheduleId: string;
  name: string;
  body: { spec?: { experiment?: string; cron?: string; timeZone?: string } } & Record<string, unknown>;
  paused: boolean;
  updatedAt: string;
  lastFire?: { at: string; decision: string; reason?: string; runId?: string };
}

export function SchedulesPage() {
  const [list, setList] = useState<ScheduleView[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    api<{ schedules: ScheduleView[] }>('GET', '/v1/schedules').then((r) => setList(r.schedules), (err: ApiError) => setError(err.message));
  }, []);
  return html`
    <h1>Schedules</h1>
    ${error ? html`<p role="alert" class="error">${error}</p>` : null}
    ${!list ? html`<p aria-busy="true">Loading…</p>` : list.length === 0 ? html`<p class="muted">No schedules. Create one with <code>faultline schedules create file.yaml</code>.</p>` : html`
      <div class="table-wrap"><table>
        <thead><tr><th scope="col">Name</th><th scope="col">Experiment</th><th scope="col">Cron</th><th scope="col">State</th><th scope="col">Last decision</th></tr></thead>
        <tbody>${list.map((s) => html`<tr>
          <td><a href=${`/ui/schedules/${encodeURIComponent(s.scheduleId)}`}>${s.name}</a></td>
          <td>${s.body.spec?.experiment ?? '—'}</td>
          <td class="mono">${s.body.spec?.cron ?? '—'} ${s.body.spec?.timeZone ? html`<span class="muted">${s.body.spec.timeZone}</span>` : null}</td>
          <td><span class=${`badge ${s.paused ? 'warn' : 'ok'}`}>${s.paused ? 'paused' : 'active'}</span></td>
          <td>${s.lastFire ? html`${s.lastFire.decision} <span class="muted">${when(s.lastFire.at)}${s.lastFire.reason ? ` · ${s.lastFire.reason}` : ''}</span>` : html`<span class="muted">never fired</span>`}</td>
        </tr>`)}</tbody>
      </table></div>`}`;
}

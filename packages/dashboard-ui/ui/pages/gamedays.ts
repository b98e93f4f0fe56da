import { useEffect, useState } from 'preact/hooks';
import { api, type ApiError } from '../api.js';
import { stateTone } from '../format.js';
import { html } from '../html.js';

export interface GameDaySummary { dayId: string; name: string; finished: boolean; outcome?: string }

/** Game days hosted by this controller, running ones first. */
export function GameDaysPage() {
  const [days, setDays] = useState<GameDaySummary[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    const load = () => api<{ gamedays: GameDaySummary[] }>('GET', '/v1/gamedays').then((r) => { setDays(r.gamedays); setError(undefined); }, (err: ApiError) => setError(err.message));
    load();
    const t = setInterval(load, 4000);
    return () => clearInterval(t);
  }, []);
  const sorted = days ? [...days].sort((a, b) => Number(a.finished) - Number(b.finished)) : [];
  return html`
    <h1>Game days</h1>
    ${error ? html`<p role="alert" class="error">${error}</p>` : null}
    ${!days ? html`<p aria-busy="true">Loading…</p>` : days.length === 0
      ? html`<p class="muted">No game days on this controller. Start one with <code>faultline gameday run --controller URL day.yaml</code> or <code>POST /v1/gamedays</code>.</p>`
      : html`<div class="table-wrap"><table>
        <caption class="sr-only">Game days</caption>
        <thead><tr><th scope="col">Game day</th><th scope="col">Id</th><th scope="col">State</th></tr></thead>
        <tbody>${sorted.map((d) => html`<tr>
          <td><a href=${`/ui/gamedays/${d.dayId}`}>${d.name}</a></td>
          <td class="mono">${d.dayId}</td>
          <td>${d.finished ? html`<span class=${`badge ${stateTone(d.outcome ?? '')}`}>${d.outcome ?? 'finished'}</span>` : html`<span class="badge live">in progress</span>`}</td>
        </tr>`)}</tbody></table></div>`}`;
}

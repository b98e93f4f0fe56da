import { useEffect, useState } from 'preact/hooks';
import { api, type ApiError } from '../api.js';
import { when } from '../format.js';
import { html } from '../html.js';

export interface ExperimentView { name: string; version: number; body: string; createdAt: string; createdBy?: string }

export function ExperimentsPage() {
  const [list, setList] = useState<ExperimentView[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    api<{ experiments: ExperimentView[] }>('GET', '/v1/experiments').then((r) => setList(r.experiments), (err: ApiError) => setError(err.message));
  }, []);
  return html`
    <h1>Experiments</h1>
    ${error ? html`<p role="alert" class="error">${error}</p>` : null}
    ${!list ? html`<p aria-busy="true">Loading…</p>` : list.length === 0 ? html`<p class="muted">No stored experiments. Store one with <code>faultline submit --store file.yaml</code> or <code>POST /v1/experiments</code>.</p>` : html`
      <div class="table-wrap"><table>
        <thead><tr><th scope="col">Name</th><th scope="col">Version</th><th scope="col">Stored (UTC)</th><th scope="col">By</th><th scope="col">Runs</th></tr></thead>
        <tbody>${list.map((e) => html`<tr>
          <td><a href=${`/ui/experiments/${encodeURIComponent(e.name)}`}>${e.name}</a></td><td>v${e.version}</td>
          <td class="mono">${when(e.createdAt)}</td><td>${e.createdBy ?? '—'}</td>
          <td><a href=${`/ui/runs?experiment=${encodeURIComponent(e.name)}`}>runs</a></td></tr>`)}</tbody>
      </table></div>`}`;
}

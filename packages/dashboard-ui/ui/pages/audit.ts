import { useEffect, useState } from 'preact/hooks';
import { api, can, type ApiError } from '../api.js';
import { when } from '../format.js';
import { html } from '../html.js';
import { useApp } from '../session.js';

interface Entry { auditId: number; at: string; actorName?: string; action: string; target?: string; remoteAddress?: string; details: { method?: string; url?: string; status?: number } }

export function AuditPage() {
  const { session } = useApp();
  const [before, setBefore] = useState<number[]>([]);
  const [entries, setEntries] = useState<Entry[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const cursor = before.at(-1);
  useEffect(() => {
    if (!can(session, 'admin')) return;
    api<{ entries: Entry[] }>('GET', `/v1/audit?limit=100${cursor ? `&before=${cursor}` : ''}`).then((r) => setEntries(r.entries), (err: ApiError) => setError(err.message));
  }, [cursor]);
  if (!can(session, 'admin')) return html`<h1>Audit log</h1><p>The audit log needs a token with the <code>admin</code> scope.</p>`;
  return html`
    <h1>Audit log</h1>
    ${error ? html`<p role="alert" class="error">${error}</p>` : null}
    ${!entries ? html`<p aria-busy="true">Loading…</p>` : html`
      <div class="table-wrap"><table>
        <thead><tr><th scope="col">When (UTC)</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">Result</th><th scope="col">From</th></tr></thead>
        <tbody>${entries.map((e) => html`<tr>
          <td class="mono">${when(e.at)}</td><td>${e.actorName ?? html`<span class="muted">anonymous</span>`}</td><td class="mono">${e.action}</td>
          <td class="mono">${e.target ?? '—'}</td><td><span class=${`badge ${(e.details.status ?? 0) < 400 ? 'ok' : 'bad'}`}>${e.details.status ?? '?'}</span></td><td class="mono">${e.remoteAddress ?? '—'}</td></tr>`)}</tbody>
      </table></div>
      <nav class="pager" aria-label="Pages">
        <button disabled=${before.length === 0} onClick=${() => setBefore(before.slice(0, -1))}>← Newer</button>
        <button disabled=${entries.length < 100} onClick=${() => setBefore([...before, entries.at(-1)!.auditId])}>Older →</button>
      </nav>`}`;
}

import { useEffect, useState } from 'preact/hooks';
import { api, type ApiError, type RunView } from '../api.js';
import { serverNowMs } from '../clock.js';
import { activeStates, ago, between, duration, finishedStates, stateTone, when } from '../format.js';
import { html } from '../html.js';
import { navigate } from '../router.js';
import { PruneButton } from '../components/prune.js';

/**
 * The list does not know each run's guard intervals, so it does not decide "lost contact" (the run page
 * does, from the journal); it flags an active run whose journal has been silent this long.
 */
export const LIST_QUIET_MS = 60_000;

interface Page { runs: RunView[]; nextCursor?: string }

function stateParam(v: string): string {
  if (v === 'active') return activeStates.join(',');
  if (v === 'finished') return finishedStates.join(',');
  return v;
}

/** Runs, newest first, paged by the server (cursor), filtered by state, experiment and labels. */
export function RunsPage({ query }: { query: URLSearchParams }) {
  const state = query.get('state') ?? '';
  const experiment = query.get('experiment') ?? '';
  const label = query.get('label') ?? '';
  const [cursors, setCursors] = useState<string[]>([]);
  const [page, setPage] = useState<Page | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [tick, setTick] = useState(0);
  const cursor = cursors.at(-1);

  useEffect(() => setCursors([]), [state, experiment, label]);
  useEffect(() => {
    const p = new URLSearchParams({ limit: '50' });
    if (state) p.set('state', stateParam(state));
    if (experiment) p.set('experiment', experiment);
    if (label) p.set('label', label);
    if (cursor) p.set('cursor', cursor);
    let live = true;
    api<Page>('GET', `/v1/runs?${p}`).then((r) => { if (live) { setPage(r); setError(undefined); } }, (err: ApiError) => { if (live) setError(err.message); });
    return () => { live = false; };
  }, [state, experiment, label, cursor, tick]);
  // The first page follows new runs; older pages stay put while you read them.
  useEffect(() => {
    if (cursor) return undefined;
    const t = setInterval(() => setTick((n) => n + 1), 4000);
    return () => clearInterval(t);
  }, [cursor]);

  const apply = (ev: Event) => {
    ev.preventDefault();
    const f = new FormData(ev.target as HTMLFormElement);
    const p = new URLSearchParams();
    for (const k of ['state', 'experiment', 'label']) {
      const v = String(f.get(k) ?? '').trim();
      if (v) p.set(k, v);
    }
    navigate(`/ui/runs${p.size ? `?${p}` : ''}`);
  };
  const now = serverNowMs();
  return html`
    <div class="run-head"><h1>Runs</h1><${PruneButton} onPruned=${() => setTick((n) => n + 1)} /></div>
    <form class="filters" onSubmit=${apply} role="search" aria-label="Filter runs">
      <label>State
        <select name="state" value=${state}>
          <option value="">any</option>
          <option value="active">active (not finished)</option>
          <option value="finished">finished</option>
          ${[...activeStates, ...finishedStates].map((s) => html`<option value=${s}>${s}</option>`)}
        </select>
      </label>
      <label>Experiment <input name="experiment" value=${experiment} placeholder="name" /></label>
      <label>Labels <input name="label" value=${label} placeholder="team=payments,env=staging" /></label>
      <button type="submit">Filter</button>
    </form>
    ${error ? html`<p role="alert" class="error">${error}</p>` : null}
    ${!page ? html`<p aria-busy="true">Loading runs…</p>` : html`
      <div class="table-wrap">
      <table class="runs">
        <caption class="sr-only">Runs, newest first</caption>
        <thead><tr><th scope="col">Run</th><th scope="col">Experiment</th><th scope="col">State</th><th scope="col">Verdict</th><th scope="col">Source</th><th scope="col">Labels</th><th scope="col">Started (UTC)</th><th scope="col">Duration</th><th scope="col">Heartbeat</th></tr></thead>
        <tbody>
          ${page.runs.length === 0 ? html`<tr><td colspan="9" class="muted">No runs match.</td></tr>` : page.runs.map((r) => html`<${RunRow} run=${r} now=${now} />`)}
        </tbody>
      </table>
      </div>
      <nav class="pager" aria-label="Pages">
        <button disabled=${cursors.length === 0} onClick=${() => setCursors(cursors.slice(0, -1))}>← Newer</button>
        <span class="muted">Page ${cursors.length + 1}</span>
        <button disabled=${!page.nextCursor} onClick=${() => page.nextCursor && setCursors([...cursors, page.nextCursor])}>Older →</button>
      </nav>`}`;
}

function RunRow({ run: r, now }: { run: RunView; now: number }) {
  const finished = r.phase === 'finished';
  const quiet = now - Date.parse(r.updatedAt);
  const silent = !finished && quiet > LIST_QUIET_MS;
  return html`<tr>
    <td><a href=${`/ui/runs/${r.runId}`} class="mono">${r.runId}</a></td>
    <td>${r.experiment}${r.experimentVersion ? html` <span class="muted">v${r.experimentVersion}</span>` : null}</td>
    <td><span class=${`badge ${stateTone(r.state)}`}>${r.state}</span></td>
    <td>${r.outcome ? html`<span class=${`badge ${stateTone(r.outcome)}`}>${r.outcome}</span>` : html`<span class="muted">—</span>`}</td>
    <td>${r.scheduleId ? html`<a href=${`/ui/schedules/${encodeURIComponent(r.scheduleId)}`}>${r.source}</a>` : r.source}</td>
    <td class="labels">${Object.entries(r.labels).map(([k, v]) => html`<span class="label">${k}=${v}</span> `)}</td>
    <td class="mono">${when(r.startedAt ?? r.createdAt)}</td>
    <td>${duration(between(r.startedAt, r.endedAt, now))}</td>
    <td>${finished ? html`<span class="muted">—</span>` : silent ? html`<span class="error">no event for ${duration(quiet)}</span>` : html`<span>last event ${ago(quiet)}</span>`}</td>
  </tr>`;
}

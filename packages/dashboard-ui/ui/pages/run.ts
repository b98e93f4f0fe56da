import { useEffect, useRef, useState } from 'preact/hooks';
import { api, can, type ApiError, type RunView } from '../api.js';
import { serverNowMs } from '../clock.js';
import { ago, duration, stateTone, when } from '../format.js';
import { html } from '../html.js';
import { useApp } from '../session.js';
import { liveness, type RunModel } from '../../src/run-model.js';
import { GuardChart } from '../components/guard-chart.js';
import { useLiveRun, type StreamStatus } from '../live-run.js';

const order = ['pending', 'planning', 'checking-before', 'injecting', 'holding', 'reverting', 'revert-pending', 'checking-after'];

/** A run, live or finished: phases, faults per target, guard charts, abort, and the report links. */
export function RunPage({ runId }: { runId: string }) {
  const { session } = useApp();
  const { model, version, status } = useLiveRun(runId);
  const [run, setRun] = useState<RunView | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [, setNow] = useState(0);
  useEffect(() => {
    api<RunView>('GET', `/v1/runs/${encodeURIComponent(runId)}`).then(setRun, (err: ApiError) => setError(err.status === 404 ? `Run ${runId} does not exist.` : err.message));
  }, [runId, model.verdict !== undefined]);
  // Ages ("last event 3s ago") tick even when nothing arrives: that is the point of them.
  useEffect(() => {
    const t = setInterval(() => setNow((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, []);
  if (error) return html`<h1>Run not found</h1><p role="alert" class="error">${error}</p><p><a href="/ui/runs">Back to runs</a></p>`;

  const now = serverNowMs();
  const live = liveness(model, now);
  const finished = live.kind === 'finished';
  const state = live.kind === 'lost-contact' ? 'lost contact' : model.state;
  const started = model.firstAt;
  return html`
    <p class="crumbs"><a href="/ui/runs">Runs</a> / <span class="mono">${runId}</span></p>
    <div class="run-head">
      <h1>${model.experiment ?? run?.experiment ?? 'Run'} <span class=${`badge big ${live.kind === 'lost-contact' ? 'bad' : stateTone(model.state)}`} id="run-state">${state}</span></h1>
      ${!finished && can(session, 'run') ? html`<${AbortButton} runId=${runId} />` : null}
    </div>
    <dl class="facts">
      <div><dt>Run</dt><dd class="mono">${runId}</dd></div>
      <div><dt>Source</dt><dd>${run?.source ?? model.source ?? '—'}</dd></div>
      <div><dt>Started (UTC)</dt><dd class="mono">${started ? when(new Date(started).toISOString()) : '—'}</dd></div>
      <div><dt>Duration</dt><dd>${started ? duration((finished ? (model.lastAt ?? started) : now) - started) : '—'}</dd></div>
      <div><dt>Heartbeat</dt><dd id="heartbeat">${finished ? 'finished' : html`<span class=${live.kind === 'lost-contact' ? 'error' : ''}>last event ${ago(live.ageMs)}${live.kind === 'lost-contact' ? ' — lost contact' : ''}</span>`}</dd></div>
      <div><dt>Stream</dt><dd><${StreamBadge} status=${status} /></dd></div>
      ${run && Object.keys(run.labels).length ? html`<div><dt>Labels</dt><dd>${Object.entries(run.labels).map(([k, v]) => html`<span class="label">${k}=${v}</span> `)}</dd></div>` : null}
    </dl>
    ${model.verdict ? html`<${Verdict} model=${model} runId=${runId} />` : model.abort ? html`<p class="callout bad" role="status">Aborting (${model.abort.source}): ${model.abort.reason}</p>` : null}
    <section aria-labelledby="phases-h"><h2 id="phases-h">Phases</h2><${Phases} model=${model} now=${now} /></section>
    <section aria-labelledby="guards-h"><h2 id="guards-h">Guards</h2>
      ${model.guards.size === 0 ? html`<p class="muted">This experiment has no guards.</p>` : html`<div class="guards">${[...model.guards.values()].map((g) => html`<${GuardChart} key=${g.name} guard=${g} model=${model} version=${version} endS=${started ? ((finished ? (model.lastAt ?? started) : now) - started) / 1000 : 1} />`)}</div>`}
      <p class="legend muted"><span class="sw fault"></span> fault active <span class="sw threshold"></span> threshold <span class="sw breach"></span> breach · red dots: failed checks · red ticks on top: could not evaluate · time: seconds since the run started</p>
    </section>
    <section aria-labelledby="faults-h"><h2 id="faults-h">Faults and targets</h2><${Faults} model=${model} /></section>`;
}

function StreamBadge({ status }: { status: StreamStatus }) {
  const text = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', ended: 'complete', failed: 'disconnected' }[status];
  return html`<span class=${`badge ${status === 'live' || status === 'ended' ? 'ok' : status === 'failed' ? 'bad' : 'warn'}`} id="stream-status">${text}</span>`;
}

function AbortButton({ runId }: { runId: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = async (ev: Event) => {
    ev.preventDefault();
    try {
      await api('POST', `/v1/runs/${encodeURIComponent(runId)}/abort`, reason.trim() ? { reason: reason.trim() } : {});
      dialog.current?.close();
    } catch (err) {
      setError((err as ApiError).message);
    }
  };
  return html`
    <button class="danger" onClick=${() => dialog.current?.showModal()}>Abort run</button>
    <dialog ref=${dialog} aria-labelledby="abort-title" class="confirm">
      <form onSubmit=${submit}>
        <h2 id="abort-title">Abort this run?</h2>
        <p>Every fault is reverted, then the run ends <em>aborted</em>. Aborted runs cannot be resumed.</p>
        <label for="abort-reason">Reason (optional)</label>
        <input id="abort-reason" maxlength="500" value=${reason} onInput=${(e: Event) => setReason((e.target as HTMLInputElement).value)} />
        ${error ? html`<p role="alert" class="error">${error}</p>` : null}
        <div class="actions"><button type="button" onClick=${() => dialog.current?.close()}>Cancel</button><button type="submit" class="danger">Abort run</button></div>
      </form>
    </dialog>`;
}

function Verdict({ model, runId }: { model: RunModel; runId: string }) {
  const v = model.verdict!;
  const base = `/v1/runs/${encodeURIComponent(runId)}/report`;
  return html`<section class=${`callout ${stateTone(v.outcome)}`} aria-labelledby="verdict-h" id="verdict">
    <h2 id="verdict-h">Verdict: ${v.outcome}</h2>
    <p>${v.reason}</p>
    ${model.abort ? html`<p>Aborted by ${model.abort.source}: ${model.abort.reason}</p>` : null}
    <p class="report-links">Report: <a href=${`${base}?format=html`} target="_blank" rel="noopener">HTML</a> · <a href=${`${base}?format=json`} target="_blank" rel="noopener">JSON</a> · <a href=${`${base}?format=junit`} target="_blank" rel="noopener">JUnit XML</a></p>
  </section>`;
}

function Phases({ model, now }: { model: RunModel; now: number }) {
  if (model.phases.length === 0) return html`<p class="muted">Waiting for the journal…</p>`;
  const start = model.phases[0]!.from;
  const end = model.verdict ? (model.lastAt ?? now) : now;
  const total = Math.max(1, end - start);
  return html`<ol class="timeline" aria-label="Phase timeline">
    ${model.phases.map((p) => {
      const to = p.to ?? end;
      const pct = Math.max(0.5, ((to - p.from) / total) * 100);
      return html`<li class=${`phase ${stateTone(p.state)} ${order.includes(p.state) ? '' : 'terminal'}`} style=${{ flexGrow: pct.toFixed(2) }}>
        <span class="name">${p.state}</span> <span class="muted">${p.to === undefined && !model.verdict ? `${duration(to - p.from)} so far` : duration(to - p.from)}</span>
      </li>`;
    })}
  </ol>`;
}

function Faults({ model }: { model: RunModel }) {
  const faults = [...model.faults.values()];
  if (faults.length === 0) {
    const planned = model.plan?.faults ?? [];
    if (!planned.length) return html`<p class="muted">No fault injected yet.</p>`;
    return html`<ul>${planned.map((f) => html`<li><strong>${f.name}</strong> (${f.type}) on ${f.target} — planned: ${f.summary}</li>`)}</ul>`;
  }
  return html`<div class="table-wrap"><table>
    <thead><tr><th scope="col">Fault</th><th scope="col">Type</th><th scope="col">Target</th><th scope="col">State</th><th scope="col">Injected</th><th scope="col">Reverted</th><th scope="col">Attempts</th></tr></thead>
    <tbody>${faults.map((f) => html`<tr>
      <td>${f.fault}</td><td class="mono">${f.faultType}</td><td title=${f.targetId}>${f.targetName}</td>
      <td><span class=${`badge ${f.phase === 'reverted' ? 'ok' : f.phase.endsWith('failed') ? 'bad' : 'live'}`}>${f.phase}</span>${f.lastError ? html`<div class="error small">${f.lastError}</div>` : null}</td>
      <td class="mono">${f.injectedAt ? when(new Date(f.injectedAt).toISOString()) : '—'}</td>
      <td class="mono">${f.revertedAt ? when(new Date(f.revertedAt).toISOString()) : '—'}</td>
      <td>${f.attempts || '—'}</td></tr>`)}</tbody>
  </table></div>`;
}

import { useEffect, useRef, useState } from 'preact/hooks';
import type { RunPlan } from '@faultline/core';
import { api, can, type ApiError, type RunView } from '../api.js';
import { when } from '../format.js';
import { html } from '../html.js';
import { navigate } from '../router.js';
import { useApp } from '../session.js';
import type { ExperimentView } from './experiments.js';

interface Issue { path: string; message: string; line?: number; column?: number; found?: string; allowed?: string[] }
interface Check { ok: boolean; issues: Issue[]; name?: string }

function parseLabels(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const i = part.indexOf('=');
    if (i <= 0) return `"${part}" is not key=value`;
    out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

/** One experiment: its YAML (editable, validated as you type), its plan, and Start with labels. */
export function ExperimentPage({ name }: { name: string }) {
  const { session, halt } = useApp();
  const [exp, setExp] = useState<ExperimentView | undefined>();
  const [text, setText] = useState('');
  const [check, setCheck] = useState<Check | undefined>();
  const [plan, setPlan] = useState<RunPlan | undefined>();
  const [planError, setPlanError] = useState<string | undefined>();
  const [labels, setLabels] = useState('');
  const [message, setMessage] = useState<{ kind: 'error' | 'ok'; text: string } | undefined>();
  const [error, setError] = useState<string | undefined>();
  const timer = useRef(0);
  const mayRun = can(session, 'run');

  useEffect(() => {
    api<ExperimentView>('GET', `/v1/experiments/${encodeURIComponent(name)}`).then((e) => { setExp(e); setText(e.body); }, (err: ApiError) => setError(err.status === 404 ? `Experiment "${name}" does not exist.` : err.message));
  }, [name]);
  // Validate as you type (debounced): the same parser the controller uses to accept a run.
  useEffect(() => {
    if (!text) return undefined;
    clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      api<Check>('POST', '/v1/dashboard/validate', { definition: text }).then(setCheck, (err: ApiError) => setCheck({ ok: false, issues: [{ path: '', message: err.message }] }));
    }, 300);
    return () => clearTimeout(timer.current);
  }, [text]);

  if (error) return html`<h1>Experiment not found</h1><p role="alert" class="error">${error}</p><p><a href="/ui/experiments">All experiments</a></p>`;
  if (!exp) return html`<p aria-busy="true">Loading…</p>`;

  const doPlan = async () => {
    setPlanError(undefined);
    setPlan(undefined);
    try {
      setPlan((await api<{ plan: RunPlan }>('POST', '/v1/dashboard/plan', { definition: text })).plan);
    } catch (err) {
      setPlanError((err as ApiError).message);
    }
  };
  const save = async () => {
    try {
      const e = await api<ExperimentView>('PUT', `/v1/experiments/${encodeURIComponent(name)}`, { definition: text });
      setExp(e);
      setMessage({ kind: 'ok', text: `Stored as version ${e.version}.` });
    } catch (err) {
      setMessage({ kind: 'error', text: (err as ApiError).message });
    }
  };
  const start = async (ev: Event) => {
    ev.preventDefault();
    const l = parseLabels(labels);
    if (typeof l === 'string') return setMessage({ kind: 'error', text: `Labels: ${l}` });
    try {
      const r = await api<{ run: RunView }>('POST', '/v1/runs', { experiment: name, labels: l });
      navigate(`/ui/runs/${r.run.runId}`);
    } catch (err) {
      setMessage({ kind: 'error', text: (err as ApiError).message });
    }
  };
  const changed = text !== exp.body;
  return html`
    <p class="crumbs"><a href="/ui/experiments">Experiments</a> / ${name}</p>
    <h1>${name} <span class="muted">v${exp.version}</span></h1>
    <p class="muted">Stored ${when(exp.createdAt)}${exp.createdBy ? ` by ${exp.createdBy}` : ''} · <a href=${`/ui/runs?experiment=${encodeURIComponent(name)}`}>its runs</a></p>
    ${message ? html`<p role=${message.kind === 'error' ? 'alert' : 'status'} class=${message.kind === 'error' ? 'error' : 'okmsg'}>${message.text}</p>` : null}
    ${mayRun ? html`<form class="start" onSubmit=${start}>
      <label for="run-labels">Labels for the run</label>
      <input id="run-labels" value=${labels} placeholder="ticket=OPS-12,env=staging" onInput=${(e: Event) => setLabels((e.target as HTMLInputElement).value)} />
      <button type="submit" class="primary" disabled=${changed || halt?.halted}>Start run</button>
      ${changed ? html`<span class="muted">Save the edited version first.</span>` : halt?.halted ? html`<span class="muted">A global halt is in force: new runs are refused.</span>` : null}
    </form>` : null}
    <div class="split">
      <section aria-labelledby="yaml-h">
        <h2 id="yaml-h">Definition</h2>
        <label for="yaml" class="sr-only">Experiment YAML</label>
        <textarea id="yaml" class="code" spellcheck="false" rows="28" readonly=${!mayRun} value=${text} onInput=${(e: Event) => setText((e.target as HTMLTextAreaElement).value)} aria-describedby="yaml-check"></textarea>
        <div id="yaml-check" aria-live="polite">
          ${!check ? html`<p class="muted">Checking…</p>` : check.ok ? html`<p class="okmsg">Valid: the controller would accept this experiment.</p>` : html`
            <ul class="issues">${check.issues.map((i) => html`<li><span class="mono">${i.line ? `line ${i.line}${i.column ? `:${i.column}` : ''} · ` : ''}${i.path || '(document)'}</span> — ${i.message}${i.allowed?.length ? html` <span class="muted">(allowed: ${i.allowed.join(', ')})</span>` : null}</li>`)}</ul>`}
        </div>
        ${mayRun ? html`<p><button onClick=${save} disabled=${!changed || !check?.ok}>Save as new version</button></p>` : null}
      </section>
      <section aria-labelledby="plan-h">
        <h2 id="plan-h">Plan</h2>
        <p class="muted">Resolves the targets and checks the blast radius; touches nothing.${mayRun ? '' : ' Planning calls the providers, so it needs the run scope.'}</p>
        ${mayRun ? html`<button onClick=${doPlan} disabled=${!check?.ok}>Show plan</button>` : null}
        ${planError ? html`<p role="alert" class="error">${planError}</p>` : null}
        ${plan ? html`<${PlanView} plan=${plan} />` : null}
      </section>
    </div>`;
}

function PlanView({ plan }: { plan: RunPlan }) {
  return html`<div class="plan">
    <h3>Targets</h3>
    <ul>${plan.targets.map((t) => html`<li><strong>${t.name}</strong> (${t.kind}, ${t.mode}): ${t.selected.length} of ${t.candidates} — ${t.selected.map((s) => s.name).join(', ') || 'none'}</li>`)}</ul>
    <h3>Faults</h3>
    <ul>${plan.faults.map((f) => html`<li><strong>${f.name}</strong> on ${f.target}: ${f.summary}</li>`)}</ul>
    <h3>Blast-radius checks</h3>
    <ul>${plan.limits.length === 0 ? html`<li class="muted">No limits set.</li>` : plan.limits.map((l) => html`<li><span class=${`badge ${l.ok ? 'ok' : 'bad'}`}>${l.ok ? 'ok' : 'refused'}</span> ${l.limit}: ${l.detail}</li>`)}</ul>
  </div>`;
}

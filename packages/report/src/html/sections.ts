import { formatDuration } from '@faultline/core';
import type { FaultTargetReport, RunReport, SteadyStateResult } from '../report-schema.js';
import { formatMs, formatTime, formatValue, offset } from '../text/format.js';
import { html, type Html } from './escape.js';

const pill = (cls: string, text: string): Html => html`<span class="pill ${cls}">${text}</span>`;

function resultPill(r: { ok: boolean; error?: unknown } | undefined): Html {
  if (!r) return pill('skip', 'not checked');
  if (r.error) return pill('err', 'could not evaluate');
  return r.ok ? pill('ok', 'pass') : pill('fail', 'fail');
}

/** Steady-state hypothesis: each probe before injecting and after reverting, side by side. */
export function steadyStateTable(report: RunReport): Html {
  const names = [...new Set([
    ...report.experiment.steadyState.map((p) => p.name),
    ...report.steadyState.before.map((r) => r.probe),
    ...report.steadyState.after.map((r) => r.probe),
  ])];
  if (names.length === 0) return html`<p class="muted">The experiment declares no steady-state probes.</p>`;
  const lastOf = (list: readonly SteadyStateResult[], n: string) => list.filter((r) => r.probe === n).at(-1);
  const cell = (r: SteadyStateResult | undefined) => r
    ? html`${resultPill(r)} <code>${formatValue(r.observed)}</code><br><span class="muted">${r.error ? `${r.error.code}: ${r.error.message}` : r.reason}</span>`
    : resultPill(undefined);
  const rows = names.map((n) => {
    const before = lastOf(report.steadyState.before, n);
    const after = lastOf(report.steadyState.after, n);
    const expected = before?.expected ?? after?.expected ?? report.experiment.steadyState.find((p) => p.name === n)?.expected ?? '';
    return html`<tr><th scope="row"><code>${n}</code></th><td>${expected}</td><td>${cell(before)}</td><td>${cell(after)}</td></tr>`;
  });
  return html`<div class="scroll"><table><thead><tr><th scope="col">Probe</th><th scope="col">Expected</th><th scope="col">Before injecting</th><th scope="col">After reverting</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** Every target a fault touched, and whether it is confirmed clean. */
export function targetsTable(report: RunReport): Html {
  if (report.targets.length === 0) return html`<p class="muted">No fault was injected, so no target was affected.</p>`;
  const rows = report.targets.map((t) => html`<tr>
    <th scope="row">${t.name}<br><code class="muted">${t.id}</code></th><td>${t.kind}</td><td>${t.namespace ?? '—'}</td>
    <td>${t.faults.join(', ')}</td><td>${t.clean ? pill('ok', 'reverted') : pill('pending', 'may still be affected')}</td></tr>`);
  return html`<div class="scroll"><table><thead><tr><th scope="col">Target</th><th scope="col">Kind</th><th scope="col">Namespace</th><th scope="col">Faults</th><th scope="col">Status</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** The measured effect under the status: ineffective stands out, effective and unverified are quiet. */
function effectLine(f: FaultTargetReport): Html | string {
  if (!f.effect) return '';
  return f.effect.status === 'ineffective'
    ? html`<br>${pill('fail', 'ineffective')} <span class="effect">${f.effect.detail}</span>`
    : html`<br><span class="muted effect">${f.effect.detail}</span>`;
}

function faultStatus(f: FaultTargetReport): Html {
  switch (f.phase) {
    case 'reverted': return pill('ok', f.revert.errors.length > 0 ? `reverted (${f.revert.attempts} attempts)` : 'reverted');
    case 'revert-failed': return pill('pending', `not reverted (${f.revert.attempts} attempts)`);
    case 'inject-failed': return pill('err', 'inject failed');
    default: return pill('pending', f.phase);
  }
}

/** Each fault on each target: when it went in, how long it stayed, how the revert went. */
export function faultsTable(report: RunReport): Html {
  if (report.faults.length === 0) return html`<p class="muted">No fault was injected.</p>`;
  const start = report.timings.startedAt;
  const rows = report.faults.map((f) => {
    const errors = [
      ...f.inject.errors.map((e) => html`<li>inject at ${offset(start, e.at)}: <code>${e.error.code}</code> ${e.error.message}</li>`),
      ...f.revert.errors.map((e) => html`<li>revert attempt ${e.attempt} at ${offset(start, e.at)}: <code>${e.error.code}</code> ${e.error.message}</li>`),
    ];
    return html`<tr>
      <th scope="row"><code>${f.fault}</code><br><span class="muted">${f.faultType}</span></th>
      <td>${f.target.name}</td>
      <td class="num">${offset(start, f.inject.startedAt)}<br><span class="muted">took ${formatMs(f.inject.durationMs, 'unconfirmed')}${f.inject.attempts > 1 ? `, ${f.inject.attempts} attempts` : ''}</span></td>
      <td class="num">${f.activeMs !== undefined ? formatDuration(f.activeMs) : 'until reverted'}</td>
      <td class="num">${f.revert.revertedAt ? offset(start, f.revert.revertedAt) : '—'}<br><span class="muted">${f.revert.attempts} attempt(s)${f.revert.totalMs !== undefined ? `, ${formatDuration(f.revert.totalMs)}` : ''}${f.revert.by && f.revert.by !== 'run' ? `, by ${f.revert.by}` : ''}</span></td>
      <td>${faultStatus(f)}${effectLine(f)}${errors.length ? html`<ul class="plain">${errors}</ul>` : ''}</td></tr>`;
  });
  return html`<div class="scroll"><table><thead><tr><th scope="col">Fault</th><th scope="col">Target</th><th scope="col">Injected</th><th scope="col">Active for</th><th scope="col">Reverted</th><th scope="col">Status</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** What the plan resolved and which blast-radius limits it checked. */
export function planTables(report: RunReport): Html {
  const plan = report.plan;
  if (!plan) return html`<p class="muted">The journal has no plan: the run stopped before its targets were resolved.</p>`;
  const targets = plan.targets.map((t) => html`<tr><th scope="row"><code>${t.name}</code></th><td>${t.kind}</td><td>${t.mode}</td><td class="num">${t.selected.length} of ${t.candidates}</td><td>${t.selected.map((s) => s.name).join(', ')}</td></tr>`);
  const faults = plan.faults.map((f) => html`<tr><th scope="row"><code>${f.name}</code></th><td>${f.type}</td><td><code>${f.target}</code></td><td class="num">+${formatDuration(f.afterMs)} → +${formatDuration(f.untilMs)}</td><td><code>${formatValue(f.params, 200)}</code></td></tr>`);
  const limits = plan.limits.map((l) => html`<tr><th scope="row">${l.limit}</th><td>${l.ok ? pill('ok', 'ok') : pill('fail', 'violated')}</td><td>${l.detail}</td></tr>`);
  return html`
    <h3>Targets</h3><div class="scroll"><table><thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Mode</th><th scope="col">Selected</th><th scope="col">Which</th></tr></thead><tbody>${targets}</tbody></table></div>
    <h3>Faults</h3><div class="scroll"><table><thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Target</th><th scope="col">Window</th><th scope="col">Parameters</th></tr></thead><tbody>${faults}</tbody></table></div>
    <h3>Blast-radius limits</h3>${limits.length ? html`<div class="scroll"><table><thead><tr><th scope="col">Limit</th><th scope="col">Result</th><th scope="col">Detail</th></tr></thead><tbody>${limits}</tbody></table></div>` : html`<p class="muted">No limits configured.</p>`}
    <p class="stats">Hold ${formatDuration(plan.durationMs)} · seed ${plan.seed}</p>`;
}

/** Operator actions, notes and problems with the journal itself. */
export function journalNotes(report: RunReport): Html {
  const items = [
    ...report.forced.map((f) => html`<li><strong>Forced</strong> by ${f.by} at ${formatTime(f.at)}: ${f.reason} (${f.faults.join(', ')})</li>`),
    ...report.notes.map((n) => html`<li>${offset(report.timings.startedAt, n.at)}: ${n.message}</li>`),
    ...report.warnings.map((w) => html`<li><strong>Journal warning:</strong> ${w}</li>`),
  ];
  return items.length ? html`<ul class="plain">${items}</ul>` : html``;
}

import { createHash } from 'node:crypto';
import { formatDuration } from '@faultline/core';
import { msBetween } from '../build/time.js';
import { resolveInput, type ReportInput } from '../report-input.js';
import type { Expectation, GuardReport, ProbeObservation, RunReport } from '../report-schema.js';
import { formatMs, formatTime, formatValue, offset } from '../text/format.js';
import { probeChart, isNumericSeries, type ChartMarker, type ChartPoint, type ChartWindow } from './chart.js';
import { html, raw, textOnly, type Html } from './escape.js';
import { faultsTable, journalNotes, planTables, steadyStateTable, targetsTable } from './sections.js';
import { styles } from './styles.js';
import { timelineSvg } from './timeline.js';

// The page runs no script at all; the CSP makes sure nothing injected could, and that nothing is fetched.
const CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(styles).digest('base64')}'; img-src data:; base-uri 'none'; form-action 'none'`;

const VERDICT_TEXT: Record<RunReport['outcome'], string> = {
  completed: 'Completed', deviated: 'Deviated', aborted: 'Aborted', failed: 'Failed', 'revert-pending': 'Revert pending', running: 'Running',
};

/**
 * Renders one self-contained HTML page for a run (no scripts, no network: CSS and SVG charts are inline),
 * for a game-day facilitator to share. Every piece of text from the journal is escaped.
 * Pass the journal to include it (collapsed) in the page; a report alone renders everything else.
 */
export function renderHtml(input: ReportInput): string {
  const { report, events } = resolveInput(input);
  const ctx = chartContext(report);
  const t = report.timings;
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="Faultline">
<title>${VERDICT_TEXT[report.outcome]}: ${report.experiment.name} · Faultline run ${report.runId}</title>
<style>${raw(styles)}</style>
</head>
<body>
<div class="page">
${header(report)}
<main>
${report.outcome === 'revert-pending' || report.targets.some((x) => !x.clean) ? revertAlert(report) : ''}
<section aria-labelledby="key-times-h"><h2 id="key-times-h">Key times</h2>${keyTimes(report)}</section>
<section aria-labelledby="timeline-h"><h2 id="timeline-h">Timeline</h2>
<figure>${raw(timelineSvg({ phases: ctx.phases, faults: ctx.windows, markers: ctx.markers, durationMs: t.durationMs }))}
<figcaption>${phaseList(report)}</figcaption></figure></section>
<section aria-labelledby="guards-h"><h2 id="guards-h">Guards</h2>
${report.guards.length ? report.guards.map((g, i) => guardBlock(report, g, i, ctx)) : html`<p class="muted">The experiment has no guards.</p>`}
</section>
<section aria-labelledby="steady-h"><h2 id="steady-h">Steady state</h2>${steadyStateTable(report)}${steadyStateCharts(report, ctx)}</section>
<section aria-labelledby="targets-h"><h2 id="targets-h">Targets affected</h2>${targetsTable(report)}</section>
<section aria-labelledby="faults-h"><h2 id="faults-h">Faults</h2>${faultsTable(report)}</section>
<section aria-labelledby="plan-h"><h2 id="plan-h">Plan and blast radius</h2>${planTables(report)}</section>
<section aria-labelledby="journal-h" class="journal"><h2 id="journal-h">Journal</h2>
<p class="stats">${report.events.count} events${report.events.firstSeq !== undefined ? ` (seq ${report.events.firstSeq}–${report.events.lastSeq})` : ''}: ${Object.entries(report.events.byType).map(([k, v]) => `${v} ${k}`).join(', ')}</p>
${journalNotes(report)}
${events ? html`<details id="raw-journal"><summary>Raw journal (${events.length} events, JSON lines)</summary><pre>${textOnly(events.map((e) => JSON.stringify(e)).join('\n'))}</pre></details>` : ''}
<p class="print-only muted">The raw ${events ? 'journal' : 'report'} is in the HTML file; it is left out of print.</p>
${events ? '' : html`<details id="raw-report"><summary>Report (JSON)</summary><pre>${textOnly(JSON.stringify(report, null, 2))}</pre></details>`}
</section>
</main>
<footer>Faultline run report · built from the run's journal · report schema v${report.schemaVersion}</footer>
</div>
</body>
</html>
`;
  return page.value;
}

interface ChartContext {
  rel(at: string): number;
  windows: ChartWindow[];
  markers: ChartMarker[];
  phases: Array<{ state: string; from: number; to: number }>;
}

function chartContext(report: RunReport): ChartContext {
  const start = report.timings.startedAt;
  const rel = (at: string) => msBetween(start, at);
  const end = report.timings.durationMs;
  const windows = report.faults.map((f) => ({
    from: rel(f.inject.startedAt),
    to: f.revert.revertedAt ? rel(f.revert.revertedAt) : end,
    label: `${f.fault} on ${f.target.name}${f.revert.revertedAt ? ` · active ${formatDuration(f.activeMs ?? 0)}` : ' · NOT confirmed reverted'}`,
    open: !f.revert.revertedAt,
  }));
  const t = report.timings;
  const markers: ChartMarker[] = [];
  if (t.breachAt) markers.push({ t: rel(t.breachAt), label: `breach ${offset(start, t.breachAt)}`, kind: 'breach' });
  if (t.abortAt) markers.push({ t: rel(t.abortAt), label: 'abort', kind: 'abort' });
  if (t.allRevertedAt) markers.push({ t: rel(t.allRevertedAt), label: 'all reverted', kind: 'reverted' });
  const phases = report.phases.map((p) => ({ state: p.state, from: rel(p.startedAt), to: p.endedAt ? rel(p.endedAt) : end }));
  return { rel, windows, markers, phases };
}

function header(report: RunReport): Html {
  const t = report.timings;
  const labels = Object.entries(report.experiment.labels).map(([k, v]) => `${k}=${v}`).join(', ');
  const meta: Array<[string, string | undefined]> = [
    ['Run', report.runId], ['Started', formatTime(t.startedAt)], ['Ended', formatTime(t.endedAt)], ['Duration', formatDuration(t.durationMs)],
    ['Host', report.host], ['Experiment file', report.experiment.source], ['Labels', labels || undefined],
    ['Dry run', report.dryRun ? 'yes: nothing was injected' : undefined],
  ];
  return html`<header class="verdict v-${report.outcome}">
<p class="eyebrow">Faultline chaos experiment report</p>
<h1>${report.experiment.name}</h1>
<p class="verdict-line" id="verdict"><span class="badge">${VERDICT_TEXT[report.outcome].toUpperCase()}</span>${report.ineffective?.length ? html`<span class="badge">INEFFECTIVE FAULT</span>` : ''}${report.reason}</p>
${report.experiment.description ? html`<p class="desc">${report.experiment.description}</p>` : ''}
<dl class="meta">${meta.filter((m) => m[1] !== undefined).map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>
</header>`;
}

function revertAlert(report: RunReport): Html {
  const dirty = report.faults.filter((f) => f.phase !== 'reverted');
  return html`<section class="alert" role="alert" aria-labelledby="alert-h"><h2 id="alert-h">Faults may still be active</h2>
<p>These faults were not confirmed reverted. Faultline keeps retrying; run <code>faultline recover</code> on the host that ran the experiment, or remove them by hand.</p>
<ul class="plain">${dirty.map((f) => html`<li><code>${f.fault}</code> on <strong>${f.target.name}</strong> (<code>${f.target.id}</code>): ${f.revert.attempts} attempt(s)${f.revert.errors.at(-1) ? `, last error ${f.revert.errors.at(-1)?.error.code}: ${f.revert.errors.at(-1)?.error.message}` : ''}</li>`)}</ul></section>`;
}

function keyTimes(report: RunReport): Html {
  const t = report.timings;
  const noBreach = report.guards.length ? 'no guard tripped' : 'no guards';
  const card = (id: string, label: string, ms: number | undefined, hint: string, missing: string, primary = false) => html`<div class="card${primary ? ' primary' : ''}">
<dt class="label">${label}</dt>
<dd class="value${ms === undefined ? ' none' : ''}" id="${id}">${ms === undefined ? missing : formatDuration(ms)}</dd>
<dd class="hint">${hint}</dd></div>`;
  const revertMissing = report.faults.length === 0 ? 'nothing injected' : 'not all reverted';
  return html`<dl class="cards">
${card('time-to-detect', 'Time to detect', t.timeToDetectMs, 'first failing guard check → breach', noBreach, true)}
${card('time-to-abort', 'Time to abort', t.timeToAbortMs, 'breach → abort decided', t.breachAt ? 'no abort' : noBreach)}
${card('time-to-revert', 'Time to revert', t.timeToRevertMs, `${t.abortAt ? 'abort' : 'hold end'} → every fault reverted`, revertMissing, true)}
${card('breach-to-reverted', 'Breach → all reverted', t.breachToRevertedMs, 'what the system endured after detection', t.breachAt ? revertMissing : noBreach)}
${card('hold', 'Faults held', t.holdStartedAt && t.holdEndedAt ? msBetween(t.holdStartedAt, t.holdEndedAt) : undefined, report.experiment.holdMs !== undefined ? `planned ${formatDuration(report.experiment.holdMs)}` : 'hold start → reverting', 'never held')}
</dl>`;
}

function phaseList(report: RunReport): Html {
  const start = report.timings.startedAt;
  return html`<ul class="legend">${report.phases.map((p) => html`<li><strong>${p.state}</strong> ${offset(start, p.startedAt)}${p.durationMs !== undefined ? ` (${formatDuration(p.durationMs)})` : ''}</li>`)}</ul>`;
}

function points(report: RunReport, observations: readonly ProbeObservation[], rel: (at: string) => number): ChartPoint[] {
  return observations.map((o) => ({
    t: rel(o.at), value: o.observed, ok: o.ok, error: o.error !== undefined,
    label: `${offset(report.timings.startedAt, o.at)} · ${formatValue(o.observed, 60)} · ${o.error ? `could not evaluate (${o.error.code})` : o.ok ? 'pass' : 'fail'} · ${o.reason}`,
  }));
}

function thresholds(e: Expectation | undefined): Array<{ value: number; label: string }> {
  if (!e) return [];
  const out: Array<{ value: number; label: string }> = [];
  if (e.below !== undefined) out.push({ value: e.below, label: `must stay below ${e.below}` });
  if (e.above !== undefined) out.push({ value: e.above, label: `must stay above ${e.above}` });
  if (e.between) out.push({ value: e.between[0], label: `min ${e.between[0]}` }, { value: e.between[1], label: `max ${e.between[1]}` });
  return out;
}

function legend(numeric: boolean, hasThreshold: boolean, hasBreach: boolean): Html {
  return html`<ul class="legend">
${numeric ? html`<li><span class="sw ok"></span>pass</li><li><span class="sw fail"></span>fail</li><li>× could not evaluate</li>` : html`<li><span class="sw pass"></span>pass</li><li><span class="sw bad"></span>fail</li><li><span class="sw err"></span>could not evaluate</li>`}
${hasThreshold ? html`<li><span class="sw threshold"></span>threshold</li>` : ''}
<li><span class="sw fault"></span>fault active</li>
${hasBreach ? html`<li><span class="sw breach"></span>breach</li>` : ''}<li><span class="sw reverted"></span>all reverted</li></ul>`;
}

function guardBlock(report: RunReport, g: GuardReport, i: number, ctx: ChartContext): Html {
  const start = report.timings.startedAt;
  const pts = points(report, g.observations, ctx.rel);
  const th = thresholds(g.expectation);
  const status = g.breach ? html`<span class="pill fail">tripped</span>` : g.observations.length ? html`<span class="pill ok">held</span>` : html`<span class="pill skip">not evaluated</span>`;
  const facts = [g.kind, `expected ${g.expected}`, g.everyMs !== undefined ? `every ${formatDuration(g.everyMs)}` : undefined,
    g.breachAfter !== undefined ? `trips after ${g.breachAfter} consecutive failures` : undefined, `${g.passed} passed, ${g.failed} failed`].filter(Boolean).join(' · ');
  const b = g.breach;
  const markers = ctx.markers.filter((m) => m.kind !== 'breach' || (b !== undefined && Math.abs(m.t - ctx.rel(b.at)) < 1));
  if (b && !markers.some((m) => m.kind === 'breach')) markers.push({ t: ctx.rel(b.at), label: `breach ${offset(start, b.at)}`, kind: 'breach' });
  return html`<article class="guard" id="guard-${i}">
<h3>Guard <code>${g.name}</code> ${status}</h3>
<p class="stats">${facts}</p>
${b ? html`<p class="callout">Tripped at <strong>${offset(start, b.at)}</strong> (${formatTime(b.at)}): observed <code>${formatValue(b.observed)}</code>, expected ${b.expected}, ${b.consecutiveFailures} consecutive failures. ${b.firstFailureAt ? `First failing check at ${offset(start, b.firstFailureAt)}: detected in ${formatMs(b.timeToDetectMs)}.` : ''}</p>` : ''}
${pts.length ? html`<figure>${raw(probeChart({ id: `guard-chart-${i}`, title: `Guard ${g.name}: observations over the run`, points: pts, windows: ctx.windows, markers, durationMs: report.timings.durationMs, thresholds: th, ...(g.everyMs !== undefined ? { everyMs: g.everyMs } : {}) }))}
<figcaption>${legend(isNumericSeries(pts), th.length > 0, b !== undefined)}</figcaption></figure>` : html`<p class="muted">Never evaluated: guards run only while a fault is active.</p>`}
</article>`;
}

function steadyStateCharts(report: RunReport, ctx: ChartContext): Html {
  const byProbe = new Map<string, ProbeObservation[]>();
  for (const r of [...report.steadyState.before, ...report.steadyState.after]) byProbe.set(r.probe, [...(byProbe.get(r.probe) ?? []), r]);
  if (byProbe.size === 0) return html``;
  const blocks = [...byProbe.entries()].map(([name, obs], i) => {
    const pts = points(report, obs, ctx.rel);
    const th = thresholds(report.experiment.steadyState.find((p) => p.name === name)?.expectation);
    return html`<figure><figcaption><strong>${name}</strong>: before injecting and after reverting</figcaption>
${raw(probeChart({ id: `probe-chart-${i}`, title: `Steady-state probe ${name}: before and after`, points: pts, windows: ctx.windows, markers: [], durationMs: report.timings.durationMs, thresholds: th, connect: false }))}</figure>`;
  });
  return html`<h3>Probe values over the run</h3>${blocks}`;
}


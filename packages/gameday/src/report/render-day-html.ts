import { createHash } from 'node:crypto';
import { formatDuration, type Json } from '@faultline/core';
import { html, probeChart, raw, reportStyles, textOnly, timelineSvg, type ChartMarker, type ChartPoint, type Html, type RunReport } from '@faultline/report';
import type { DayEvent } from '../journal/day-events.js';
import type { DayReport, StepReport } from './build-day-report.js';
import { clockTime, fmtMs, outcomeText, statusText, utc } from './format.js';

const dayStyles = `
svg .step-bar rect { stroke: #fff; stroke-width: 1; }
svg .step-bar text { fill: var(--ink); font-size: 12px; }
svg .step-bar.st-passed rect, svg .step-bar.st-done rect { fill: var(--completed); }
svg .step-bar.st-failed rect { fill: var(--failed); } svg .step-bar.st-aborted rect { fill: var(--aborted); }
svg .step-bar.st-skipped rect, svg .step-bar.st-not-run rect { fill: #afb8c1; } svg .step-bar.st-running rect { fill: var(--revert-pending); }
svg .ev line { stroke-width: 2; } svg .ev.note line { stroke: #8250df; } svg .ev.gate line { stroke: #0969da; }
svg .ev.guard line, svg .ev.halt line { stroke: var(--fail); } svg .ev.tick line { stroke: #6e7781; stroke-dasharray: 2 2; }
svg .axis text { fill: var(--muted); font-size: 11px; } svg .axis line { stroke: #d0d7de; }
.match-yes { color: var(--ok); font-weight: 700; } .match-no { color: var(--fail); font-weight: 700; }
ol.day-timeline { padding-left: 0; list-style: none; } ol.day-timeline li { margin: .2rem 0; }
ol.day-timeline time { font-variant-numeric: tabular-nums; color: var(--muted); margin-right: .6rem; }
.k-note { color: #8250df; } .k-gate { color: #0969da; } .k-guard, .k-halt { color: var(--fail); font-weight: 600; }
.step-block { border-top: 1px solid #d0d7de; padding-top: .5rem; margin-top: 1rem; }
`;
const styles = reportStyles + dayStyles;
const CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(styles).digest('base64')}'; img-src data:; base-uri 'none'; form-action 'none'`;

const verdictClass: Record<DayReport['outcome'], string> = {
  passed: 'completed', failed: 'deviated', stopped: 'aborted', halted: 'aborted', aborted: 'aborted', 'revert-pending': 'revert-pending', running: 'running',
};

const W = 880;
const LEFT = 150;
const RIGHT = 20;

/** The day on one axis: a bar per step (coloured by status) and a line for every gate, note, tick, breach and halt. */
function dayTimelineSvg(r: DayReport): string {
  const span = Math.max(1, r.durationMs);
  const x = (at: string) => LEFT + ((Date.parse(at) - Date.parse(r.startedAt)) / span) * (W - LEFT - RIGHT);
  const rowH = 26;
  const top = 10;
  const rows = r.steps.filter((s) => s.startedAt);
  const bottom = top + rows.length * rowH + 8;
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const bars = rows.map((s, i) => {
    const y = top + i * rowH;
    const x0 = x(s.startedAt as string);
    const x1 = s.endedAt ? x(s.endedAt) : W - RIGHT;
    const label = `${s.index + 1}. ${s.title}`;
    return `<g class="step-bar st-${s.status}"><text x="${LEFT - 6}" y="${y + 15}" text-anchor="end">${esc(label.length > 22 ? label.slice(0, 21) + '…' : label)}</text>` +
      `<rect x="${x0.toFixed(1)}" y="${y + 3}" width="${Math.max(2, x1 - x0).toFixed(1)}" height="16" rx="2"><title>${esc(`${label}: ${statusText[s.status]}${s.durationMs !== undefined ? `, ${formatDuration(s.durationMs)}` : ''}`)}</title></rect></g>`;
  }).join('');
  const events = r.timeline.filter((t) => t.kind === 'note' || t.kind === 'gate' || t.kind === 'tick' || t.kind === 'guard' || t.kind === 'halt').map((t) => {
    const xx = x(t.at).toFixed(1);
    return `<g class="ev ${t.kind}"><line x1="${xx}" x2="${xx}" y1="${top}" y2="${bottom}"><title>${esc(`${clockTime(t.at)} ${t.text}`)}</title></line></g>`;
  }).join('');
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const xx = (LEFT + f * (W - LEFT - RIGHT)).toFixed(1);
    return `<g class="axis"><line x1="${xx}" x2="${xx}" y1="${bottom}" y2="${bottom + 4}"/><text x="${xx}" y="${bottom + 16}" text-anchor="middle">+${formatDuration(Math.round(f * span))}</text></g>`;
  }).join('');
  return `<svg class="chart" id="day-timeline-chart" viewBox="0 0 ${W} ${bottom + 24}" role="img" aria-labelledby="day-timeline-title"><title id="day-timeline-title">Day timeline: steps, gates, observations</title>${bars}${events}${ticks}</svg>`;
}

/** The run's own timeline (phases, fault windows, breach/abort/reverted), as in the run report. */
function runTimeline(run: RunReport): string {
  const start = run.timings.startedAt;
  const rel = (at: string) => Date.parse(at) - Date.parse(start);
  const end = run.timings.durationMs;
  const t = run.timings;
  const markers: ChartMarker[] = [];
  if (t.breachAt) markers.push({ t: rel(t.breachAt), label: 'breach', kind: 'breach' });
  if (t.abortAt) markers.push({ t: rel(t.abortAt), label: 'abort', kind: 'abort' });
  if (t.allRevertedAt) markers.push({ t: rel(t.allRevertedAt), label: 'all reverted', kind: 'reverted' });
  return timelineSvg({
    phases: run.phases.map((p) => ({ state: p.state, from: rel(p.startedAt), to: p.endedAt ? rel(p.endedAt) : end })),
    faults: run.faults.map((f) => ({
      from: rel(f.inject.startedAt), to: f.revert.revertedAt ? rel(f.revert.revertedAt) : end,
      label: `${f.fault} on ${f.target.name}`, open: !f.revert.revertedAt,
    })),
    markers,
    durationMs: end,
  }).replace('id="timeline-chart"', `id="run-timeline-${run.runId}"`).replace(/timeline-chart-title/g, `run-timeline-title-${run.runId}`);
}

function guardCharts(r: DayReport): Html[] {
  return r.guards.map((g, i) => {
    const points: ChartPoint[] = g.observations.map((o) => ({
      t: Date.parse(o.at) - Date.parse(r.startedAt), value: o.observed as Json, ok: o.ok, error: false, label: `${clockTime(o.at)} ${JSON.stringify(o.observed)} ${o.reason}`,
    }));
    const markers: ChartMarker[] = g.breach ? [{ t: Date.parse(g.breach.at) - Date.parse(r.startedAt), label: 'breach', kind: 'breach' }] : [];
    return html`<h3>${g.name}</h3><p class="muted">${g.observations.length} observation(s), ${g.observations.filter((o) => !o.ok).length} failing${g.breach ? `; breached at ${clockTime(g.breach.at)}: ${g.breach.reason}` : ''}</p>
${points.length ? raw(probeChart({ id: `day-guard-${i}`, title: `day guard ${g.name} over the day`, points, windows: [], markers, durationMs: Math.max(1, r.durationMs), thresholds: [], connect: true })) : ''}`;
  });
}

function stepBlock(s: StepReport): Html {
  const x = s.experiment;
  return html`<div class="step-block" id="step-${s.index + 1}"><h3>${s.index + 1}. ${s.title} <span class="muted">(${s.description})</span></h3>
${s.briefing ? html`<p class="desc">${s.briefing}</p>` : ''}
<p><strong>${statusText[s.status]}</strong>${s.reason ? html` — ${s.reason}` : ''}${s.startedAt ? html` <span class="muted">(${clockTime(s.startedAt)}${s.endedAt ? `–${clockTime(s.endedAt)}` : ''})</span>` : ''}</p>
${x ? html`<dl class="meta"><div><dt>Expected</dt><dd>${x.expected}</dd></div><div><dt>Actual</dt><dd>${x.outcome ?? '—'} ${x.matched === true ? html`<span class="match-yes">✓ as expected</span>` : x.matched === false ? html`<span class="match-no">✗ not as expected</span>` : ''}</dd></div>
<div><dt>Time to detect</dt><dd>${fmtMs(x.timeToDetectMs, 'no guard tripped')}</dd></div><div><dt>Time to revert</dt><dd>${fmtMs(x.timeToRevertMs, '—')}</dd></div>${x.runId ? html`<div><dt>Run</dt><dd><code>${x.runId}</code></dd></div>` : ''}</dl>
${x.faults.length ? html`<ul class="plain">${x.faults.map((f) => html`<li><code>${f.fault}</code> on ${f.target}: ${f.reverted ? 'reverted' : html`<strong class="match-no">NOT confirmed reverted</strong>`}</li>`)}</ul>` : ''}
${x.run ? html`<figure>${raw(runTimeline(x.run))}<figcaption>Run ${x.run.runId}: ${x.run.reason}</figcaption></figure>` : ''}` : ''}
${s.gate ? html`<p>Question: <em>${s.gate.question}</em><br>Answer: <strong>${s.gate.answer ?? 'none'}</strong>${s.gate.defaulted ? ` (default, ${s.gate.defaulted})` : s.gate.by ? ` by ${s.gate.by}` : ''}${s.gate.note ? html` — ${s.gate.note}` : ''}</p>` : ''}
${s.checklist ? html`<ul class="plain">${s.checklist.items.map((i) => html`<li>${i.tickedAt ? '☑' : '☐'} ${i.text}${i.tickedAt ? html` <span class="muted">(${clockTime(i.tickedAt)}, ${i.by ?? ''})</span>` : ''}</li>`)}</ul>` : ''}
${s.notes.length ? html`<h4>Observations</h4><ul class="plain">${s.notes.map((n) => html`<li><time>${clockTime(n.at)}</time> <strong>${n.by}:</strong> ${n.text}</li>`)}</ul>` : ''}
</div>`;
}

/**
 * One self-contained page for the day (the run report's stylesheet and charts, no scripts, nothing
 * fetched): verdict, steps with expected vs actual verdict, time to detect and to revert, gates,
 * answers and observations on a timeline, day-guard charts, and the raw journal. Every string is escaped.
 */
export function renderDayHtml(r: DayReport, events?: readonly DayEvent[]): string {
  const experiments = r.steps.filter((s) => s.experiment);
  const matched = experiments.filter((s) => s.experiment?.matched === true).length;
  const meta: Array<[string, string | undefined]> = [
    ['Day', r.dayId], ['Started', utc(r.startedAt)], ['Duration', formatDuration(r.durationMs)], ['Facilitator', r.facilitator],
    ['Participants', r.participants.join(', ') || undefined], ['Labels', Object.entries(r.labels).map(([k, v]) => `${k}=${v}`).join(', ') || undefined],
  ];
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="Faultline">
<title>${outcomeText[r.outcome]}: game day ${r.name} · Faultline</title>
<style>${raw(styles)}</style>
</head>
<body>
<div class="page">
<header class="verdict v-${verdictClass[r.outcome]}">
<p class="eyebrow">Faultline game day report</p>
<h1>${r.name}</h1>
<p class="verdict-line" id="verdict"><span class="badge">${outcomeText[r.outcome].toUpperCase()}</span>${r.reason}</p>
${r.hypothesis ? html`<p class="desc"><strong>Hypothesis:</strong> ${r.hypothesis}</p>` : ''}
${r.description ? html`<p class="desc">${r.description}</p>` : ''}
<dl class="meta">${meta.filter((m) => m[1] !== undefined).map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>
</header>
<main>
${r.steps.some((s) => s.experiment?.faults.some((f) => !f.reverted)) ? html`<section class="alert" role="alert"><h2>Faults may still be active</h2><p>Run <code>faultline recover</code> on the host that ran the day.</p></section>` : ''}
<section aria-labelledby="summary-h"><h2 id="summary-h">Steps</h2>
<p>${matched} of ${experiments.length} experiment step(s) ended with the expected verdict.</p>
<table id="steps-table"><thead><tr><th>#</th><th>Step</th><th>Status</th><th>Expected</th><th>Actual</th><th>Time to detect</th><th>Time to revert</th></tr></thead><tbody>
${r.steps.map((s) => html`<tr><td>${s.index + 1}</td><td><a href="#step-${s.index + 1}">${s.title}</a> <span class="muted">${s.kind}</span></td><td>${statusText[s.status]}</td><td>${s.experiment?.expected ?? ''}</td>
<td>${s.experiment?.outcome ?? ''} ${s.experiment?.matched === true ? html`<span class="match-yes">✓</span>` : s.experiment?.matched === false ? html`<span class="match-no">✗</span>` : ''}</td>
<td>${s.experiment ? fmtMs(s.experiment.timeToDetectMs, '—') : ''}</td><td>${s.experiment ? fmtMs(s.experiment.timeToRevertMs, '—') : ''}</td></tr>`)}
</tbody></table></section>
<section aria-labelledby="timeline-h"><h2 id="timeline-h">Timeline</h2>
<figure>${raw(dayTimelineSvg(r))}<figcaption>Bars: steps (green passed/done, red failed, grey skipped). Lines: <span class="k-gate">gates</span>, <span class="k-note">observations</span>, ticks, <span class="k-guard">breaches and halts</span>.</figcaption></figure>
<ol class="day-timeline" id="timeline-list">${r.timeline.map((t) => html`<li class="k-${t.kind}"><time datetime="${t.at}">${clockTime(t.at)}</time>${t.text}</li>`)}</ol>
</section>
<section aria-labelledby="detail-h"><h2 id="detail-h">Step by step</h2>${r.steps.map(stepBlock)}</section>
${r.notes.length ? html`<section><h2>Observations outside a step</h2><ul class="plain">${r.notes.map((n) => html`<li><time>${clockTime(n.at)}</time> <strong>${n.by}:</strong> ${n.text}</li>`)}</ul></section>` : ''}
<section aria-labelledby="guards-h"><h2 id="guards-h">Day guards</h2>${r.guards.length ? guardCharts(r) : html`<p class="muted">The day has no day-level guards.</p>`}</section>
${r.warnings.length ? html`<section><h2>Warnings</h2><ul>${r.warnings.map((w) => html`<li>${w}</li>`)}</ul></section>` : ''}
<section class="journal"><h2>Journal</h2>
${events ? html`<details id="raw-journal"><summary>Raw game-day journal (${events.length} events, JSON lines)</summary><pre>${textOnly(events.map((e) => JSON.stringify(e)).join('\n'))}</pre></details>` : ''}
</section>
</main>
<footer>Faultline game day report · built from the game-day journal and its runs' journals</footer>
</div>
</body>
</html>
`;
  return page.value;
}

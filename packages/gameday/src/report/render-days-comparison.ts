import { createHash } from 'node:crypto';
import { formatDuration } from '@faultline/core';
import { html, raw, reportStyles, type Html } from '@faultline/report';
import type { ComparedStep, DaysComparison } from './build-days-comparison.js';
import { fmtMs, outcomeText, statusText, utc } from './format.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function cellText(c: ComparedStep['cells'][number]): string {
  if (!c) return '—';
  const parts: string[] = [statusText[c.status]];
  if (c.outcome) parts.push(`${c.outcome}${c.matched === true ? ' ✓' : c.matched === false ? ' ✗' : ''}`);
  if (c.answer) parts.push(`answered ${c.answer}`);
  if (c.timeToDetectMs !== undefined) parts.push(`detect ${fmtMs(c.timeToDetectMs)}`);
  if (c.timeToRevertMs !== undefined) parts.push(`revert ${fmtMs(c.timeToRevertMs)}`);
  return parts.join(', ');
}

const originText = (o: DaysComparison['days'][number]['origin']) => (o ? `${o.kind} of ${o.dayId} from step ${o.fromStep + 1}` : '');

/** Several days as Markdown: one table of days, one table of steps (a column per day), then each day's verdict. */
export function renderDaysComparisonMarkdown(c: DaysComparison): string {
  const out: string[] = [`# Game days compared: ${c.days.length} days`, ''];
  out.push('| Day | Name | Started | Duration | Verdict | Origin |', '|---|---|---|---|---|---|');
  for (const d of c.days) out.push(`| \`${d.dayId}\` | ${cell(d.name)} | ${utc(d.startedAt)} | ${formatDuration(d.durationMs)} | ${outcomeText[d.outcome]} | ${originText(d.origin)} |`);
  out.push('', '## Steps', '', `| # | Step | ${c.days.map((d) => `\`${d.dayId}\``).join(' | ')} | Same? |`, `|---|---|${c.days.map(() => '---|').join('')}---|`);
  for (const s of c.steps) out.push(`| ${s.index + 1} | ${cell(s.title)} (${s.kind}) | ${s.cells.map((x) => cell(cellText(x))).join(' | ')} | ${s.same ? 'yes' : '**no**'} |`);
  out.push('', '## Verdicts', '');
  for (const d of c.days) out.push(`- \`${d.dayId}\` ${outcomeText[d.outcome]}: ${cell(d.reason)}`);
  if (c.warnings.length) out.push('', '## Warnings', '', ...c.warnings.map((w) => `- ${cell(w)}`));
  out.push('');
  return out.join('\n');
}

const extra = `
.same-no { background: #fff8c5; } td.st { white-space: nowrap; } .match-yes { color: var(--ok); font-weight: 700; } .match-no { color: var(--fail); font-weight: 700; }
`;
const styles = reportStyles + extra;
const CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(styles).digest('base64')}'; img-src data:; base-uri 'none'; form-action 'none'`;

function cellHtml(x: ComparedStep['cells'][number]): Html {
  if (!x) return html`<td class="st muted">—</td>`;
  return html`<td class="st">${statusText[x.status]}${x.outcome ? html`<br>${x.outcome} ${x.matched === true ? html`<span class="match-yes">✓</span>` : x.matched === false ? html`<span class="match-no">✗</span>` : ''}` : ''}${x.answer ? html`<br>answered ${x.answer}` : ''}${x.timeToDetectMs !== undefined ? html`<br><span class="muted">detect ${fmtMs(x.timeToDetectMs)}</span>` : ''}${x.timeToRevertMs !== undefined ? html`<br><span class="muted">revert ${fmtMs(x.timeToRevertMs)}</span>` : ''}</td>`;
}

/** Several days as one self-contained HTML page (the run report's style; no scripts, strict CSP). */
export function renderDaysComparisonHtml(c: DaysComparison): string {
  const differing = c.steps.filter((s) => !s.same).length;
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="Faultline">
<title>Game days compared: ${String(c.days.length)} days · Faultline</title>
<style>${raw(styles)}</style>
</head>
<body>
<div class="page">
<header class="verdict">
<p class="eyebrow">Faultline game days compared</p>
<h1>${[...new Set(c.days.map((d) => d.name))].join(', ')}</h1>
<p class="verdict-line" id="verdict">${String(c.days.length)} days; ${differing ? `${differing} step(s) ended differently across them` : 'every step ended the same way on every day'}.</p>
</header>
<main>
<section aria-labelledby="days-h"><h2 id="days-h">Days</h2>
<table id="days-table"><thead><tr><th>Day</th><th>Name</th><th>Started</th><th>Duration</th><th>Verdict</th><th>Origin</th></tr></thead><tbody>
${c.days.map((d) => html`<tr><td><code>${d.dayId}</code></td><td>${d.name}</td><td>${utc(d.startedAt)}</td><td>${formatDuration(d.durationMs)}</td><td>${outcomeText[d.outcome]} <span class="muted">${d.reason}</span></td><td>${originText(d.origin)}</td></tr>`)}
</tbody></table></section>
<section aria-labelledby="steps-h"><h2 id="steps-h">Steps, day by day</h2>
<table id="steps-table"><thead><tr><th>#</th><th>Step</th>${c.days.map((d) => html`<th><code>${d.dayId}</code></th>`)}<th>Same?</th></tr></thead><tbody>
${c.steps.map((s) => html`<tr class="${s.same ? 'same-yes' : 'same-no'}"><td>${String(s.index + 1)}</td><td>${s.title} <span class="muted">${s.kind}</span></td>${s.cells.map(cellHtml)}<td>${s.same ? 'yes' : 'no'}</td></tr>`)}
</tbody></table></section>
${c.warnings.length ? html`<section><h2>Warnings</h2><ul>${c.warnings.map((w) => html`<li>${w}</li>`)}</ul></section>` : ''}
</main>
<footer>Faultline game days compared · built from the game-day journals and their runs' journals</footer>
</div>
</body>
</html>
`.value;
}

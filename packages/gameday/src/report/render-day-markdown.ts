import type { DayReport } from './build-day-report.js';
import { clockTime, fmtMs, outcomeText, statusText, utc } from './format.js';

/** Markdown for a table cell or a line: no pipes or newlines can break the layout. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** The day as Markdown, to paste into the retrospective document. */
export function renderDayMarkdown(r: DayReport): string {
  const out: string[] = [];
  out.push(`# Game day: ${cell(r.name)} — ${outcomeText[r.outcome]}`, '');
  out.push(`**Verdict:** ${outcomeText[r.outcome]} — ${cell(r.reason)}`, '');
  const meta: Array<[string, string | undefined]> = [
    ['Day', `\`${r.dayId}\``], ['Started', utc(r.startedAt)], ['Duration', fmtMs(r.durationMs)], ['Facilitator', r.facilitator],
    ['Participants', r.participants.join(', ') || undefined], ['Hypothesis', r.hypothesis],
    ['Labels', Object.entries(r.labels).map(([k, v]) => `${k}=${v}`).join(', ') || undefined],
  ];
  for (const [k, v] of meta) if (v) out.push(`- **${k}:** ${cell(v)}`);
  if (r.description) out.push('', cell(r.description));
  out.push('', '## Steps', '', '| # | Step | Status | Expected | Actual | Time to detect | Time to revert |', '|---|---|---|---|---|---|---|');
  for (const s of r.steps) {
    const x = s.experiment;
    const actual = x?.outcome ? `${x.outcome}${x.matched === true ? ' ✓' : x.matched === false ? ' ✗' : ''}` : '';
    out.push(`| ${s.index + 1} | ${cell(s.title)} (${s.kind}) | ${statusText[s.status]} | ${x?.expected ?? ''} | ${actual} | ${x ? fmtMs(x.timeToDetectMs, '—') : ''} | ${x ? fmtMs(x.timeToRevertMs, '—') : ''} |`);
  }
  out.push('');
  for (const s of r.steps) {
    const lines: string[] = [];
    if (s.reason && s.status !== 'not-run') lines.push(`- ${statusText[s.status]}: ${cell(s.reason)}`);
    if (s.gate) lines.push(`- question: ${cell(s.gate.question)}`, `- answer: ${s.gate.answer ?? 'none'}${s.gate.defaulted ? ` (default, ${s.gate.defaulted})` : s.gate.by ? ` by ${cell(s.gate.by)}` : ''}${s.gate.note ? ` — ${cell(s.gate.note)}` : ''}`);
    if (s.checklist) for (const i of s.checklist.items) lines.push(`- [${i.tickedAt ? 'x' : ' '}] ${cell(i.text)}${i.tickedAt ? ` (${clockTime(i.tickedAt)}, ${cell(i.by ?? '')})` : ''}`);
    if (s.experiment?.runId) lines.push(`- run \`${s.experiment.runId}\`${s.experiment.faults.length ? `: ${s.experiment.faults.map((f) => `${f.fault} on ${f.target}${f.reverted ? '' : ' (NOT reverted)'}`).join(', ')}` : ''}`);
    for (const n of s.notes) lines.push(`- ${clockTime(n.at)} **${cell(n.by)}:** ${cell(n.text)}`);
    if (lines.length) out.push(`### ${s.index + 1}. ${cell(s.title)}`, '', ...lines, '');
  }
  if (r.notes.length) {
    out.push('## Observations outside a step', '');
    for (const n of r.notes) out.push(`- ${clockTime(n.at)} **${cell(n.by)}:** ${cell(n.text)}`);
    out.push('');
  }
  out.push('## Timeline (UTC)', '');
  for (const t of r.timeline) out.push(`- ${clockTime(t.at)} ${cell(t.text)}`);
  if (r.warnings.length) out.push('', '## Warnings', '', ...r.warnings.map((w) => `- ${cell(w)}`));
  out.push('', '## Action items', '', '- [ ] ', '');
  return out.join('\n');
}

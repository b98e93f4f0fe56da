import { describe, expect, it } from 'vitest';
import { fixtureDay, HOSTILE } from '../test/fixture-day.js';
import { buildDayReport } from './build-day-report.js';
import { renderDayMarkdown } from './render-day-markdown.js';
import { renderDayHtml } from './render-day-html.js';

describe('day report', async () => {
  const { events, runs, backend } = await fixtureDay();
  const report = buildDayReport(events, runs);

  it('the fixture day really ran and cleaned up', () => {
    expect(backend.active.size).toBe(0);
    expect(report.outcome).toBe('passed');
  });

  it('per step: expected vs actual verdict, time to detect and to revert from the run journals', () => {
    const [announce, breakStep, gate, hold] = report.steps;
    expect(announce?.checklist?.items.map((i) => Boolean(i.tickedAt))).toEqual([false, true]);
    expect(breakStep?.experiment).toMatchObject({ expected: 'aborted', outcome: 'aborted', matched: true });
    expect(breakStep?.experiment?.timeToDetectMs).toBeGreaterThanOrEqual(0);
    expect(breakStep?.experiment?.timeToRevertMs).toBeGreaterThanOrEqual(0);
    expect(breakStep?.experiment?.faults.every((f) => f.reverted)).toBe(true);
    expect(breakStep?.notes.map((n) => n.by)).toEqual(['bob']);
    expect(gate?.gate).toMatchObject({ answer: 'go', by: 'alice', note: `paged ${HOSTILE}` });
    expect(gate?.notes.map((n) => n.text)).toEqual(['pager fired after 40s']);
    expect(hold?.experiment).toMatchObject({ expected: 'completed', outcome: 'completed', matched: true });
    expect(hold?.experiment?.timeToDetectMs).toBeUndefined();
    expect(report.guards[0]?.observations.length).toBeGreaterThan(0);
    expect(report.timeline.map((t) => t.kind)).toEqual(expect.arrayContaining(['day', 'step', 'tick', 'note', 'gate']));
  });

  it('Markdown: a steps table and every observation, with pipes escaped', () => {
    const md = renderDayMarkdown(report);
    expect(md).toMatch(/^# Game day: storefront-q3 — Passed/);
    expect(md).toContain('| 2 | Break checkout (experiment) | passed | aborted | aborted ✓ |');
    expect(md).toContain('**bob:** p99 climbing <script>alert(1)</script> & "quotes" \\| pipes');
    expect(md).toContain('- answer: go by alice — paged');
  });

  it('HTML escapes every journal string and runs no script', () => {
    const page = renderDayHtml(report, events);
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toMatch(/Content-Security-Policy" content="default-src &#39;none&#39;/);
  });

  it('a day that stopped mid-step says how to resume', () => {
    const cut = events.slice(0, events.findIndex((e) => e.type === 'step-run') + 1);
    const partial = buildDayReport(cut, new Map());
    expect(partial.outcome).toBe('running');
    expect(partial.reason).toMatch(/stopped during step 2 .*gameday resume/);
  });
});

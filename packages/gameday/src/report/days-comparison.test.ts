import { describe, expect, it } from 'vitest';
import { fixtureDay, HOSTILE } from '../test/fixture-day.js';
import type { DayEvent } from '../journal/day-events.js';
import { buildDayReport } from './build-day-report.js';
import { compareDays } from './build-days-comparison.js';
import { renderDaysComparisonHtml, renderDaysComparisonMarkdown } from './render-days-comparison.js';

/** The same journal as another day that ended its second experiment differently (a rerun of the first). */
function variant(events: DayEvent[], dayId: string, originOf: string): DayEvent[] {
  return events.map((e) => {
    const moved = { ...e, dayId, at: e.at.replace(/^(\d{4})/, (y) => String(Number(y) + 1)) } as DayEvent;
    if (moved.type === 'day-created') return { ...moved, origin: { kind: 'rerun', dayId: originOf, fromStep: 0 } } as DayEvent;
    if (moved.type === 'step-ended' && moved.step === 3) return { ...moved, status: 'failed', outcome: 'deviated', reason: 'expected completed, ended deviated' } as DayEvent;
    if (moved.type === 'day-ended') return { ...moved, outcome: 'failed', reason: `1 of 2 experiment step(s) ended as expected ${HOSTILE}` } as DayEvent;
    return moved;
  });
}

describe('several days in one report', async () => {
  const { events, runs } = await fixtureDay();
  const first = buildDayReport(events, runs);
  const second = buildDayReport(variant(events, 'dzzzzzzzzzzzz', first.dayId), runs);
  const c = compareDays([second, first]);

  it('lists the days in start order and compares each step across them', () => {
    expect(c.days.map((d) => d.dayId)).toEqual([first.dayId, 'dzzzzzzzzzzzz']);
    expect(c.days[1]).toMatchObject({ outcome: 'failed', origin: { kind: 'rerun', dayId: first.dayId, fromStep: 0 } });
    expect(c.steps.map((s) => s.same)).toEqual([true, true, true, false]);
    expect(c.steps[3]?.cells.map((x) => x?.status)).toEqual(['passed', 'failed']);
    expect(c.steps[3]?.cells[1]).toMatchObject({ outcome: 'deviated', matched: false });
    expect(c.steps[2]?.cells.map((x) => x?.answer)).toEqual(['go', 'go']);
    expect(c.reports).toHaveLength(2);
    expect(c.warnings).toEqual([]);
  });

  it('compares by position when plans differ and says so; a shorter day gets empty cells', () => {
    const shorter = { ...second, dayId: 'dyyyyyyyyyyyy', steps: second.steps.slice(0, 2).map((s, i) => (i === 1 ? { ...s, title: 'Another step' } : s)) };
    const d = compareDays([first, shorter]);
    expect(d.steps[3]?.cells[1]).toBeUndefined();
    expect(d.warnings).toEqual([expect.stringContaining('step 2 has different titles')]);
  });

  it('renders Markdown and self-contained HTML with every day and hostile text escaped', () => {
    const md = renderDaysComparisonMarkdown(c);
    expect(md).toMatch(/\| 4 \| Hold steady \(experiment\) \| passed, completed ✓[^|]* \| failed, deviated ✗[^|]* \| \*\*no\*\* \|/);
    expect(md).toContain(`rerun of ${first.dayId} from step 1`);
    expect(md).toContain('\\| pipes');
    const page = renderDaysComparisonHtml(c);
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;');
    expect(page).toContain('1 step(s) ended differently across them');
    for (const d of c.days) expect(page).toContain(d.dayId);
  });
});

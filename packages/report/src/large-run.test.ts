import { describe, expect, it } from 'vitest';
import { longJournal } from './fixtures/journals.js';
import { buildRunReport, renderHtml, renderJUnit } from './index.js';

describe('a two-hour run with a 1 s guard', () => {
  const events = longJournal();

  it('builds and renders every format in bounded time and size', () => {
    const started = performance.now();
    const report = buildRunReport(events);
    const built = performance.now();
    const page = renderHtml(events);
    const rendered = performance.now();
    const xml = renderJUnit(report);

    expect(events.length).toBeGreaterThan(10_000);
    expect(report.guards[0]?.observations).toHaveLength(7199);
    // Generous bounds: the point is catching quadratic behaviour, not timing the machine.
    expect(built - started).toBeLessThan(2000);
    expect(rendered - built).toBeLessThan(5000);
    expect(page.length).toBeLessThan(8_000_000);
    expect(xml.length).toBeLessThan(200_000);

    const chart = /<svg class="chart line" id="guard-chart-0"[\s\S]*?<\/svg>/.exec(page)?.[0] ?? '';
    expect(/<path class="series" d="([^"]+)"/.exec(chart)?.[1]?.split('L')).toHaveLength(7199);
    expect(chart.match(/class="pt ok"/g) ?? []).toHaveLength(0); // merged into the line
    const strip = /<svg class="chart strip" id="guard-chart-1"[\s\S]*?<\/svg>/.exec(page)?.[0] ?? '';
    const cells = strip.match(/class="cell /g) ?? [];
    expect(cells.length).toBeGreaterThan(3);
    expect(cells.length).toBeLessThan(50);
    expect(strip).toMatch(/\d+ consecutive checks: pass/);
  });
});

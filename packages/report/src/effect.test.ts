import { describe, expect, it } from 'vitest';
import { completedJournal, ineffectiveJournal } from './fixtures/journals.js';
import { buildRunReport, renderHtml, renderJUnit, renderReport } from './index.js';

const DETAIL = 'ineffective: asked 300 ms, measured 0.4 ms to 10.0.0.7:6379 (p50 of 9 round trips)';

describe('fault effect in reports', () => {
  it('JSON: the fault row carries the measured effect and the report lists the ineffective fault', () => {
    const report = JSON.parse(renderReport(ineffectiveJournal(), 'json').body) as ReturnType<typeof buildRunReport>;
    expect(report.outcome).toBe('completed');
    expect(report.reason).toMatch(/^INEFFECTIVE: /);
    expect(report.ineffective).toEqual([{ fault: 'slow-redis', targetId: expect.stringContaining('redis'), detail: `slow-redis on redis: ${DETAIL}` }]);
    const row = report.faults.find((f) => f.fault === 'slow-redis');
    expect(row?.effect).toMatchObject({ status: 'ineffective', asked: 300, measured: 0.4, detail: DETAIL });
    expect(report.faults.find((f) => f.fault === 'kill-one-checkout')?.effect).toBeUndefined();
  });

  it('a run without effect events has neither field', () => {
    const report = buildRunReport(completedJournal());
    expect(report.ineffective).toBeUndefined();
    expect(report.faults.every((f) => f.effect === undefined)).toBe(true);
  });

  it('HTML: the fault row says ineffective with the numbers, the verdict has a second badge', () => {
    const page = renderHtml(ineffectiveJournal());
    expect(page).toContain(`<span class="pill fail">ineffective</span> <span class="effect">${DETAIL}</span>`);
    expect(page).toContain('<span class="badge">COMPLETED</span><span class="badge">INEFFECTIVE FAULT</span>INEFFECTIVE: ');
    expect(renderHtml(completedJournal())).not.toContain('INEFFECTIVE');
  });

  it('JUnit: a completed run with an ineffective fault fails its verdict case (CI must not show green)', () => {
    const xml = renderJUnit(ineffectiveJournal());
    expect(xml).toMatch(/<testcase name="verdict"[^>]*>\s*<failure[^>]*type="ineffective-fault"/);
    expect(renderJUnit(completedJournal())).not.toMatch(/ineffective-fault/);
  });
});

import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureDay } from '../test/fixture-day.js';
import { buildDayReport } from './build-day-report.js';
import { renderDayHtml } from './render-day-html.js';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(executablePath);
if (!available && process.env.CI !== 'true') console.warn('\n⚠️  SKIPPING the game-day report browser test: chromium is not installed; run `scripts/chromium-env.sh install`\n');
const ARTIFACTS = fileURLToPath(new URL('../../../../test-artifacts/', import.meta.url));

describe.skipIf(!available && process.env.CI !== 'true')('renderDayHtml in headless Chromium', () => {
  let browser: Browser;
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-day-html-'));

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath,
      timeout: 30_000,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws the day: verdict, steps table, timeline, run timelines, guard chart; no errors, no network, no script', async () => {
    const { events, runs } = await fixtureDay();
    const file = path.join(dir, 'day.html');
    writeFileSync(file, renderDayHtml(buildDayReport(events, runs), events));
    const url = pathToFileURL(file).href;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); void d.dismiss(); });
    page.on('request', (r) => { if (r.url() !== url) requests.push(r.url()); });
    try {
      await page.goto(url, { waitUntil: 'load', timeout: 15_000 });
      // The CSP allows the stylesheet by hash: if it did not, the passed header would not be green.
      expect(await page.evaluate<string>("getComputedStyle(document.querySelector('header.verdict')).backgroundColor")).not.toBe('rgba(0, 0, 0, 0)');
      expect(await page.locator('#verdict').innerText()).toMatch(/^PASSED/);
      expect(await page.locator('#steps-table tbody tr').count()).toBe(4);
      expect(await page.locator('#steps-table tbody tr').nth(1).innerText()).toMatch(/Break checkout.*passed.*aborted.*aborted ✓/s);
      expect(await page.locator('#day-timeline-chart .step-bar').count()).toBe(4);
      expect(await page.locator('#day-timeline-chart .ev.note').count()).toBe(2);
      expect(await page.locator('#day-timeline-chart .ev.gate').count()).toBe(1);
      expect(await page.locator('svg[id^="run-timeline-"]').count()).toBe(2);
      expect(await page.locator('#day-guard-0').count()).toBe(1);
      expect(await page.locator('script').count()).toBe(0);
      expect(await page.locator('#timeline-list').innerText()).toContain('<script>alert(1)</script>');
      expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'gameday-report.png'), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: path.join(ARTIFACTS, 'gameday-report-phone.png'), fullPage: true });
      expect(statSync(path.join(ARTIFACTS, 'gameday-report.png')).size).toBeGreaterThan(50_000);
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

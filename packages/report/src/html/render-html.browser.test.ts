import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalEvent } from '@faultline/core';
import { abortedJournal, hostileJournal, revertPendingJournal } from '../fixtures/journals.js';
import { browserEnv, findChromium, requireTool } from '../fixtures/tools.js';
import { renderHtml } from '../index.js';

const executablePath = findChromium();
const tool = requireTool('chromium', executablePath);
const ARTIFACTS = fileURLToPath(new URL('../../../../test-artifacts/', import.meta.url));

describe.skipIf(tool.skip)('renderHtml in headless Chromium', () => {
  let browser: Browser;
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-html-'));

  beforeAll(async () => {
    if (!executablePath) throw new Error(tool.missing);
    browser = await chromium.launch({
      executablePath,
      env: browserEnv(),
      timeout: 30_000,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the rendered report from a file:// URL and records everything that would indicate a problem. */
  async function open(name: string, events: JournalEvent[], viewport = { width: 1280, height: 900 }) {
    const file = path.join(dir, `${name}.html`);
    writeFileSync(file, renderHtml(events));
    const url = pathToFileURL(file).href;
    const page = await browser.newPage({ viewport });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); void d.dismiss(); });
    page.on('request', (r) => { if (r.url() !== url) requests.push(r.url()); });
    await page.goto(url, { waitUntil: 'load', timeout: 15_000 });
    return { page, problems, requests };
  }

  // Strings, not functions: this package compiles without the DOM lib.
  const noOverflow = (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

  it('draws the aborted run: charts, key times, no errors, no network', async () => {
    const { page, problems, requests } = await open('aborted', abortedJournal());
    try {
      // The CSP allows our stylesheet by hash: if it did not, the header would not be red.
      expect(await page.evaluate<string>("getComputedStyle(document.querySelector('header.verdict')).backgroundColor")).toBe('rgb(180, 35, 24)');

      const series = page.locator('#guard-chart-0 path.series');
      const d = (await series.getAttribute('d')) ?? '';
      expect(d.split(/[ML]/).filter(Boolean).length).toBe(33);
      const box = await series.boundingBox();
      expect(box?.width).toBeGreaterThan(500);
      expect(box?.height).toBeGreaterThan(80);
      // The line goes up at the end: the last point is drawn above (smaller y) the first.
      const ys = [...d.matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1]));
      expect(ys.at(-1)).toBeLessThan((ys[0] as number) - 50);
      expect(await page.locator('#guard-chart-0 .pt.ok').count()).toBe(30);
      expect(await page.locator('#guard-chart-0 .fault-window').count()).toBe(2);
      expect(await page.locator('#guard-chart-0 line.marker.breach').count()).toBe(1);
      expect(await page.locator('#guard-chart-0 tspan.breach').textContent()).toBe('breach T+33.5s');
      expect(await page.locator('#guard-chart-0 tspan.breach').isVisible()).toBe(true);
      expect(await page.locator('#guard-chart-1 rect.cell').count()).toBe(16);
      expect(await page.locator('#timeline-chart .phase').count()).toBe(8);

      const revert = page.locator('#time-to-revert');
      expect(await revert.innerText()).toBe('706ms');
      expect(await revert.isVisible()).toBe(true);
      const revertBox = await revert.boundingBox();
      expect(revertBox?.y).toBeLessThan(900); // above the fold on a laptop
      expect(await page.locator('#time-to-detect').innerText()).toBe('2.01s');
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('checkout-survives-slow-redis');
      expect(await page.getByRole('img', { name: 'Guard checkout-p99: observations over the run' }).count()).toBe(1);
      expect(await noOverflow(page)).toBe(true);

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'report-aborted.png'), fullPage: true });
      expect(statSync(path.join(ARTIFACTS, 'report-aborted.png')).size).toBeGreaterThan(50_000);

      await page.setViewportSize({ width: 1024, height: 768 });
      expect(await noOverflow(page)).toBe(true);

      await page.emulateMedia({ media: 'print' });
      await page.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi
      expect(await noOverflow(page)).toBe(true);
      expect(await page.locator('#raw-journal').isVisible()).toBe(false);
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      expect(pdf.byteLength).toBeGreaterThan(20_000);

      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('shows hostile names as text and runs nothing', async () => {
    const { page, problems, requests } = await open('hostile', hostileJournal());
    try {
      expect(await page.locator('h1').innerText()).toBe('evil <script>alert("x")</script> & co');
      expect(await page.title()).not.toContain('pwned');
      expect(await page.locator('script').count()).toBe(0);
      expect(await page.locator('img').count()).toBe(0);
      await page.locator('#raw-journal summary').click();
      expect(await page.locator('#raw-journal pre').innerText()).toContain('</pre><script>document.title=\\"pwned\\"</script>');
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('puts the revert-pending alert first', async () => {
    const { page, problems } = await open('revert-pending', revertPendingJournal());
    try {
      const alert = page.getByRole('alert');
      expect(await alert.isVisible()).toBe(true);
      expect(await alert.innerText()).toContain('slow-redis on redis');
      expect(await page.locator('#time-to-revert').innerText()).toBe('not all reverted');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  abortedJournal, completedJournal, deviatedJournal, failedBeforeJournal, hostileJournal, revertPendingJournal, vetoedJournal,
} from '../fixtures/journals.js';
import { buildRunReport, renderHtml } from '../index.js';
import { esc, html, textOnly } from './escape.js';
import { styles } from './styles.js';

const byId = (page: string, id: string) => new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(page)?.[1];

describe('renderHtml', () => {
  it('aborted run: verdict, key times, charts with the breach and fault windows', () => {
    const page = renderHtml(abortedJournal());
    expect(page).toContain('<header class="verdict v-aborted">');
    expect(page).toContain('<span class="badge">ABORTED</span>guard checkout-p99 breached: 0.85 is not below 0.5');
    expect([byId(page, 'time-to-detect'), byId(page, 'time-to-abort'), byId(page, 'time-to-revert'), byId(page, 'breach-to-reverted')])
      .toEqual(['2.01s', '6ms', '706ms', '712ms']);
    const chart = /<svg class="chart line" id="guard-chart-0"[\s\S]*?<\/svg>/.exec(page)?.[0] ?? '';
    expect(/<path class="series" d="([^"]+)"/.exec(chart)?.[1]?.split('L')).toHaveLength(33);
    expect(chart.match(/class="fault-window/g)).toHaveLength(2);
    expect(chart).toContain('<tspan class="breach">breach T+33.5s</tspan>');
    expect(chart).toContain('must stay below 0.5');
    expect(chart.match(/class="pt fail"/g)).toHaveLength(3);
    // The health guard returns strings, so it is drawn as a pass/fail strip with one cell per check.
    const strip = /<svg class="chart strip" id="guard-chart-1"[\s\S]*?<\/svg>/.exec(page)?.[0] ?? '';
    expect(strip.match(/class="cell /g)).toHaveLength(16);
    expect(strip.match(/class="cell err"/g)).toHaveLength(2);
    expect(page).toContain('id="raw-journal"');
    expect(page).not.toContain('id="raw-report"'); // the journal is the source; the report is rebuilt from it
    expect(page).not.toContain('class="alert"');
  });

  it('is self-contained: no scripts, no external resources, a CSP that forbids fetching', () => {
    const page = renderHtml(abortedJournal());
    expect(page).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|\shref=|url\(|@import/i);
    const hash = createHash('sha256').update(styles).digest('base64');
    expect(page).toContain(`content="${esc(`default-src 'none'; style-src 'sha256-${hash}'; img-src data:; base-uri 'none'; form-action 'none'`)}"`);
    expect(page).toContain(`<style>${styles}</style>`);
  });

  it('revert-pending run: a prominent alert lists what may still be active', () => {
    const page = renderHtml(revertPendingJournal());
    expect(page).toContain('<header class="verdict v-revert-pending">');
    expect(page).toMatch(/<section class="alert" role="alert"[^>]*><h2 id="alert-h">Faults may still be active<\/h2>/);
    expect(page).toContain('<code>slow-redis</code> on <strong>redis</strong>');
    expect(byId(page, 'time-to-revert')).toBe('not all reverted');
    expect(page).toContain('class="fault-window open"');
  });

  it('completed and deviated runs colour the verdict and show the after-check', () => {
    expect(renderHtml(completedJournal())).toContain('<header class="verdict v-completed">');
    const deviated = renderHtml(deviatedJournal());
    expect(deviated).toContain('<header class="verdict v-deviated">');
    expect(deviated).toContain('<span class="pill fail">fail</span> <code>0.034</code><br><span class="muted">0.034 is not below 0.01</span>');
    expect(byId(deviated, 'time-to-detect')).toBe('no guard tripped');
  });

  it('vetoed run: says nothing was injected instead of drawing empty charts', () => {
    const page = renderHtml(vetoedJournal());
    expect(page).toContain('No fault was injected, so no target was affected.');
    expect(page).toContain('Never evaluated: guards run only while a fault is active.');
    expect(page).toContain('<span class="pill fail">violated</span>');
    expect(page).not.toContain('class="chart line"');
  });

  it('failed before injecting: says why, and which probe could not be evaluated', () => {
    const page = renderHtml(failedBeforeJournal());
    expect(page).toContain('<header class="verdict v-failed">');
    expect(page).toContain('<span class="pill err">could not evaluate</span>');
    expect(page).toContain('<span class="pill skip">not checked</span>');
    expect(byId(page, 'time-to-revert')).toBe('nothing injected');
  });

  it('renders from a report too, without the raw journal', () => {
    const page = renderHtml(buildRunReport(abortedJournal()));
    expect(page).not.toContain('id="raw-journal"');
    expect(page).toContain('id="raw-report"');
  });

  it('escapes every piece of untrusted text', () => {
    const page = renderHtml(hostileJournal());
    expect(page).not.toContain('<script');
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<b>bold</b>');
    expect(page).toContain('<h1>evil &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</h1>');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain('&lt;/pre&gt;&lt;script&gt;document.title=');
    expect(page.match(/<\/pre>/g)).toHaveLength(1); // only the raw-journal <pre> we opened is closed
  });

  it('html`` escapes interpolations and keeps nested fragments', () => {
    expect(html`<p title="${'"x"'}">${'<b>'}${html`<i>${'&'}</i>`}${['<', html`<br>`]}</p>`.value)
      .toBe('<p title="&quot;x&quot;">&lt;b&gt;<i>&amp;</i>&lt;<br></p>');
    expect(esc(`<a href='x'>`)).toBe('&lt;a href=&#39;x&#39;&gt;');
    expect(textOnly(`</pre>"&'`).value).toBe(`&lt;/pre&gt;"&amp;'`);
  });
});

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  abortedJournal, completedJournal, deviatedJournal, failedBeforeJournal, hostileJournal, revertPendingJournal, vetoedJournal,
} from '../fixtures/journals.js';
import { findXmllint, requireTool } from '../fixtures/tools.js';
import { buildRunReport, renderJUnit } from '../index.js';
import { xmlAttr, xmlText } from './xml.js';

const XSD = fileURLToPath(new URL('../fixtures/junit-ant.xsd', import.meta.url));
const xmllint = findXmllint();
const tool = requireTool('xmllint', xmllint);
const dir = mkdtempSync(path.join(tmpdir(), 'faultline-junit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Attribute of the first element matching `tag` whose `name` attribute is `name`. */
function testcase(xml: string, name: string): string {
  const start = xml.indexOf(`<testcase name="${name}"`);
  if (start < 0) throw new Error(`no testcase "${name}" in:\n${xml}`);
  const selfClosing = xml.indexOf('/>', start);
  const open = xml.indexOf('>', start);
  return selfClosing === open - 1 ? xml.slice(start, open + 1) : xml.slice(start, xml.indexOf('</testcase>', start) + '</testcase>'.length);
}

const suiteAttr = (xml: string, attr: string) => new RegExp(`<testsuite [^>]*\\b${attr}="([^"]*)"`).exec(xml)?.[1];

describe('renderJUnit', () => {
  it('aborted run: the guard fails with observed vs expected and the breach time', () => {
    const xml = renderJUnit(abortedJournal());
    expect([suiteAttr(xml, 'name'), suiteAttr(xml, 'tests'), suiteAttr(xml, 'failures'), suiteAttr(xml, 'errors'), suiteAttr(xml, 'skipped')])
      .toEqual(['checkout-survives-slow-redis', '11', '2', '0', '0']);
    expect(suiteAttr(xml, 'timestamp')).toBe('2026-03-14T09:30:00');
    expect(suiteAttr(xml, 'time')).toBe('39.412');
    const guard = testcase(xml, 'guard: checkout-p99');
    expect(guard).toContain('<failure message="tripped at 2026-03-14 09:30:33 UTC (T+33.5s): observed 0.85, expected below 0.5');
    expect(guard).toContain('detected 2.01s after the first failing check');
    expect(guard).toContain('2026-03-14T09:30:31.480Z (T+31.5s) observed 0.65: 0.65 is not below 0.5');
    expect(testcase(xml, 'guard: checkout-healthy')).not.toContain('<failure');
    expect(testcase(xml, 'inject slow-redis on redis')).toMatch(/time="0.040"\/>$/);
    expect(testcase(xml, 'revert slow-redis on redis')).toMatch(/time="0.692"\/>$/);
    expect(testcase(xml, 'verdict')).toContain('<failure message="aborted: guard checkout-p99 breached');
    expect(xml).toContain('<property name="faultline.timeToRevertMs" value="706"/>');
    expect(xml).toContain('<property name="faultline.label.team" value="payments"/>');
  });

  it('orders cases as the run went: before, injects, guards, reverts, after, verdict', () => {
    const names = [...renderJUnit(abortedJournal()).matchAll(/<testcase name="([^"]+)"/g)].map((m) => m[1]);
    expect(names).toEqual([
      'steady-state before: error-rate', 'steady-state before: checkout-http',
      'inject slow-redis on redis', 'inject kill-one-checkout on shop/checkout-7f9c4',
      'guard: checkout-p99', 'guard: checkout-healthy',
      'revert slow-redis on redis', 'revert kill-one-checkout on shop/checkout-7f9c4',
      'steady-state after: error-rate', 'steady-state after: checkout-http', 'verdict',
    ]);
  });

  it('completed run: everything passes', () => {
    const xml = renderJUnit(completedJournal());
    expect([suiteAttr(xml, 'tests'), suiteAttr(xml, 'failures'), suiteAttr(xml, 'errors'), suiteAttr(xml, 'skipped')]).toEqual(['11', '0', '0', '0']);
  });

  it('deviated run: the after-check fails with observed vs expected', () => {
    const xml = renderJUnit(deviatedJournal());
    expect(testcase(xml, 'steady-state after: error-rate')).toContain('<failure message="observed 0.034, expected below 0.01: 0.034 is not below 0.01" type="steady-state">');
    expect(testcase(xml, 'steady-state before: error-rate')).not.toContain('<failure');
    expect(suiteAttr(xml, 'failures')).toBe('2'); // the after-check and the verdict
  });

  it('revert-pending run: the revert that never succeeded is an error naming attempts and the last error', () => {
    const xml = renderJUnit(revertPendingJournal());
    const revert = testcase(xml, 'revert slow-redis on redis');
    expect(revert).toContain('<error message="not reverted after 3 attempt(s), last error FL_PROVIDER: connect ECONNREFUSED 127.0.0.1:8474');
    expect(revert).toContain('run `faultline recover`');
    expect(revert).toContain('attempt 2 at 2026-03-14T09:30:22.895Z: FL_PROVIDER');
    expect(testcase(xml, 'revert kill-one-checkout on shop/checkout-7f9c4')).not.toContain('<error');
    expect(testcase(xml, 'verdict')).toContain('<error message="revert-pending:');
    expect(suiteAttr(xml, 'errors')).toBe('2');
  });

  it('vetoed run: checks that never ran are skipped with the reason', () => {
    const xml = renderJUnit(vetoedJournal());
    expect(testcase(xml, 'steady-state before: error-rate')).toContain('<skipped message="not checked before injecting: the run ended aborted in &quot;planning&quot;"/>');
    expect(testcase(xml, 'inject slow-redis on redis')).toContain('never injected (planned at +0ms)');
    expect(testcase(xml, 'guard: checkout-p99')).toContain('<skipped message="never evaluated');
    expect([suiteAttr(xml, 'tests'), suiteAttr(xml, 'skipped'), suiteAttr(xml, 'failures')]).toEqual(['9', '8', '1']);
  });

  it('failed before injecting: the probe failure and the probe error are told apart', () => {
    const xml = renderJUnit(failedBeforeJournal());
    expect(testcase(xml, 'steady-state before: error-rate')).toContain('<failure message="observed 0.052, expected below 0.01: 0.052 is not below 0.01" type="steady-state">');
    expect(testcase(xml, 'steady-state before: checkout-http')).toContain('<error message="could not be evaluated: FL_TIMEOUT: GET http://127.0.0.1:8080/health timed out after 1000ms (expected status 200)" type="FL_TIMEOUT">');
    expect(testcase(xml, 'steady-state after: error-rate')).toContain('<skipped message="not checked after reverting: the run ended failed in &quot;checking-before&quot;"/>');
    expect(testcase(xml, 'verdict')).toContain('<error message="failed: steady state did not hold before injecting');
    expect([suiteAttr(xml, 'failures'), suiteAttr(xml, 'errors')]).toEqual(['1', '2']);
  });

  it('accepts a report as well as events', () => {
    expect(renderJUnit(buildRunReport(abortedJournal()))).toBe(renderJUnit(abortedJournal()));
  });

  it('escapes names and outputs, and makes control characters visible', () => {
    const xml = renderJUnit(hostileJournal());
    expect(xml).not.toContain('<script>');
    expect(xml).toContain('name="evil &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co"');
    expect(xml).toContain('classname="faultline.evil &lt;script&gt;');
    expect(xml).not.toContain('\u0001');
    expect(xmlText('a ]]> b\u0001\uD800')).toBe('a ]]&gt; b\\u{0001}\\u{d800}');
    expect(xmlAttr('line1\nline2\t"q" <x> & \'')).toBe('line1&#10;line2&#9;&quot;q&quot; &lt;x&gt; &amp; \'');
  });
});

describe.skipIf(tool.skip)('renderJUnit output against the Apache Ant JUnit XSD (xmllint)', () => {
  const fixtures = { completed: completedJournal, deviated: deviatedJournal, aborted: abortedJournal, 'revert-pending': revertPendingJournal, vetoed: vetoedJournal, 'failed-before': failedBeforeJournal, hostile: hostileJournal };
  it.each(Object.entries(fixtures))('%s validates', async (name, journal) => {
    if (!xmllint) throw new Error(tool.missing);
    const file = path.join(dir, `${name}.xml`);
    writeFileSync(file, renderJUnit(journal()));
    const { stderr } = await promisify(execFile)(xmllint, ['--noout', '--schema', XSD, file], { timeout: 10_000 });
    expect(stderr).toContain('validates');
  });

  it('the XSD really rejects broken output', async () => {
    if (!xmllint) throw new Error(tool.missing);
    const file = path.join(dir, 'broken.xml');
    writeFileSync(file, renderJUnit(abortedJournal()).replace(/ hostname="[^"]*"/, ''));
    await expect(promisify(execFile)(xmllint, ['--noout', '--schema', XSD, file], { timeout: 10_000 })).rejects.toThrow(/hostname/);
  });
});

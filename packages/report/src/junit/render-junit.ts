import { formatDuration } from '@faultline/core';
import { resolveInput, type ReportInput } from '../report-input.js';
import type { RunReport } from '../report-schema.js';
import { formatMs, formatTime } from '../text/format.js';
import { junitCases, type JUnitCase } from './test-cases.js';
import { openTag, xmlText } from './xml.js';

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

/**
 * Renders a run as JUnit XML (the Apache Ant schema most CI systems read): one <testsuite> named after
 * the experiment, with test cases for the steady state, each guard, each inject and revert, and the verdict.
 * `timestamp` is UTC without a zone suffix, as that schema requires.
 */
export function renderJUnit(input: ReportInput): string {
  const { report } = resolveInput(input);
  const cases = junitCases(report);
  const count = (kind: string) => cases.filter((c) => c.result?.kind === kind).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    openTag('testsuite', {
      name: report.experiment.name,
      timestamp: new Date(report.timings.startedAt).toISOString().slice(0, 19),
      hostname: report.host || 'localhost',
      tests: cases.length,
      failures: count('failure'),
      errors: count('error'),
      skipped: count('skipped'),
      time: seconds(report.timings.durationMs),
    }),
    '  <properties>',
    ...properties(report).map(([name, value]) => `    ${openTag('property', { name, value }, true)}`),
    '  </properties>',
    ...cases.map(renderCase),
    `  <system-out>${xmlText(summary(report))}</system-out>`,
    `  <system-err>${xmlText(report.warnings.map((w) => `journal warning: ${w}`).join('\n'))}</system-err>`,
    '</testsuite>',
    '',
  ];
  return lines.join('\n');
}

function renderCase(c: JUnitCase): string {
  const open = openTag('testcase', { name: c.name, classname: c.classname, time: seconds(c.timeMs) }, !c.result);
  if (!c.result) return `  ${open}`;
  const r = c.result;
  const inner = r.kind === 'skipped'
    ? openTag('skipped', { message: r.message }, true)
    : `${openTag(r.kind, { message: r.message, type: r.type })}${xmlText(r.detail ? `${r.message}\n\n${r.detail}` : r.message)}</${r.kind}>`;
  return `  ${open}\n    ${inner}\n  </testcase>`;
}

function properties(report: RunReport): Array<[string, string]> {
  const t = report.timings;
  const props: Array<[string, string | number | boolean | undefined]> = [
    ['faultline.runId', report.runId],
    ['faultline.outcome', report.outcome],
    ['faultline.reason', report.reason],
    ['faultline.dryRun', report.dryRun],
    ['faultline.source', report.experiment.source],
    ['faultline.startedAt', t.startedAt],
    ['faultline.endedAt', t.endedAt],
    ['faultline.breachAt', t.breachAt],
    ['faultline.abortAt', t.abortAt],
    ['faultline.allRevertedAt', t.allRevertedAt],
    ['faultline.timeToDetectMs', t.timeToDetectMs],
    ['faultline.timeToAbortMs', t.timeToAbortMs],
    ['faultline.timeToRevertMs', t.timeToRevertMs],
    ['faultline.breachToRevertedMs', t.breachToRevertedMs],
    ...Object.entries(report.experiment.labels).map(([k, v]): [string, string] => [`faultline.label.${k}`, v]),
  ];
  return props.filter((p): p is [string, string | number | boolean] => p[1] !== undefined).map(([k, v]) => [k, String(v)]);
}

function summary(report: RunReport): string {
  const t = report.timings;
  return [
    `${report.experiment.name}: ${report.outcome.toUpperCase()} - ${report.reason}`,
    `run ${report.runId} on ${report.host ?? 'unknown host'}, ${formatTime(t.startedAt)} to ${formatTime(t.endedAt)} (${formatDuration(t.durationMs)})`,
    `time to detect: ${formatMs(t.timeToDetectMs)}; time to abort: ${formatMs(t.timeToAbortMs)}; time to revert: ${formatMs(t.timeToRevertMs)}`,
    ...report.faults.map((f) => `${f.fault} on ${f.target.name}: ${f.phase}, ${f.revert.attempts} revert attempt(s)`),
  ].join('\n');
}

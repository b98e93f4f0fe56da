import type { JournalEvent } from '@faultline/core';
import { buildRunReport } from './build/build-run-report.js';
import type { RunReport } from './report-schema.js';

/** What the renderers accept: a run's journal, or a report already built from it. */
export type ReportInput = readonly JournalEvent[] | RunReport;

/** The report for `input`, plus the raw events when the caller passed them. */
export function resolveInput(input: ReportInput): { report: RunReport; events?: readonly JournalEvent[] } {
  if (Array.isArray(input)) return { report: buildRunReport(input as readonly JournalEvent[]), events: input as readonly JournalEvent[] };
  return { report: input as RunReport };
}

import { UsageError } from '@faultline/core';
import { renderHtml } from './html/render-html.js';
import { renderJUnit } from './junit/render-junit.js';
import { resolveInput, type ReportInput } from './report-input.js';

export const reportFormats = ['json', 'junit', 'html'] as const;
export type ReportFormat = (typeof reportFormats)[number];

/** A rendered report with the media type to serve or save it with. */
export interface RenderedReport {
  readonly format: ReportFormat;
  readonly contentType: string;
  /** Conventional file extension, without the dot. */
  readonly extension: string;
  readonly body: string;
}

/**
 * One entry point for `GET /v1/runs/:id/report?format=` and `faultline report --format`.
 * Throws UsageError for an unknown format, naming the valid ones.
 */
export function renderReport(input: ReportInput, format: string): RenderedReport {
  switch (format) {
    case 'json':
      return { format, contentType: 'application/json; charset=utf-8', extension: 'json', body: `${JSON.stringify(resolveInput(input).report, null, 2)}\n` };
    case 'junit':
      return { format, contentType: 'application/xml; charset=utf-8', extension: 'xml', body: renderJUnit(input) };
    case 'html':
      return { format, contentType: 'text/html; charset=utf-8', extension: 'html', body: renderHtml(input) };
    default:
      throw new UsageError(`unknown report format "${format}"; use one of: ${reportFormats.join(', ')}`, {
        hint: 'json is the machine-readable report, junit is for CI test tabs, html is for people',
      });
  }
}

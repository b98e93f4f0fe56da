export { buildRunReport } from './build/build-run-report.js';
export { renderJUnit } from './junit/render-junit.js';
export { renderHtml } from './html/render-html.js';
export { renderReport, reportFormats } from './render-report.js';
export type { ReportFormat, RenderedReport } from './render-report.js';
export type { ReportInput } from './report-input.js';
export { RunReportSchema, ProbeObservationSchema, RUN_REPORT_SCHEMA_VERSION } from './report-schema.js';
export type {
  RunReport, RunReportOutcome, RunReportTimings, ProbeObservation, SteadyStateResult, GuardReport, GuardBreach,
  PhaseReport, PlanReport, FaultTargetReport, AffectedTarget, TargetRef,
} from './report-schema.js';
// Building blocks for other reports in the same style (the game-day report).
export { styles as reportStyles } from './html/styles.js';
export { html, raw, esc, textOnly, Html } from './html/escape.js';
export type { HtmlChild } from './html/escape.js';
export { probeChart } from './html/chart.js';
export type { ChartPoint, ChartWindow, ChartMarker, ChartOptions } from './html/chart.js';
export { timelineSvg } from './html/timeline.js';
export type { TimelinePhase } from './html/timeline.js';

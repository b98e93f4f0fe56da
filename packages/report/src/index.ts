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

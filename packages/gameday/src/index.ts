export { gateAnswers, expectableOutcomes, gameDayDefaults } from './model.js';
export type {
  GameDay, GameDayStep, ExperimentStep, GateStep, WaitStep, ChecklistStep, StepKind, StepStatus, DayOutcome, GateAnswer,
  ExpectedOutcome, ExperimentSource,
} from './model.js';
export { parseGameDay, validateGameDayDocument, looksLikeGameDay } from './spec/parse-gameday.js';
export type { ParseGameDayOptions } from './spec/parse-gameday.js';
export { resolveGameDay, experimentOf } from './spec/resolve-gameday.js';
export type { ResolveOptions } from './spec/resolve-gameday.js';
export { gameDaySchema, stepKindKeys } from './spec/gameday-schema.js';
export { newDayId, DAY_ID_RE } from './journal/day-events.js';
export type { DayEvent, DayEventBody, DayEventType, DayJournal, Actor, ResumeDecision, RecoveredStep, DayOrigin } from './journal/day-events.js';
export { FileDayJournal, MemoryDayJournal } from './journal/file-day-journal.js';
export { replayDay } from './journal/replay-day.js';
export type { ReplayedDay } from './journal/replay-day.js';
export { DayRunner } from './machine/day-runner.js';
export type { DayRunnerOptions, DayResult, DayStatus, StartRun } from './machine/day-runner.js';
export { decideOutcome } from './machine/outcome.js';
export { recoverDay } from './machine/recover-day.js';
export { planRerun } from './machine/plan-rerun.js';
export type { RerunPlan } from './machine/plan-rerun.js';
export type { RecoverDayOptions, RecoveredDay } from './machine/recover-day.js';
export { buildDayReport } from './report/build-day-report.js';
export type { DayReport, StepReport, DayNote, TimelineEntry } from './report/build-day-report.js';
export { renderDayMarkdown } from './report/render-day-markdown.js';
export { renderDayHtml } from './report/render-day-html.js';
export { buildGameDayJsonSchema, renderGameDayJsonSchema, GAMEDAY_SCHEMA_ID } from './spec/gameday-json-schema.js';
export { compareDays } from './report/build-days-comparison.js';
export type { DaysComparison, ComparedStep } from './report/build-days-comparison.js';
export { renderDaysComparisonMarkdown, renderDaysComparisonHtml } from './report/render-days-comparison.js';
export { dayNotifyEvents } from './model.js';
export type { DayNotifyEvent } from './model.js';
export { DayNotifier } from './notify/day-notifier.js';
export type { DayNotifierOptions } from './notify/day-notifier.js';
export { dayNoticesOf, dayNoticeText, dayNoticePayloads } from './notify/day-notices.js';
export type { DayNotice } from './notify/day-notices.js';

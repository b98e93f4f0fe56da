export type { Json, JsonObject } from './json.js';
export {
  DurationString, SizeString, RateString, parseDuration, parseSize, parseRate, formatDuration,
} from './units.js';
export {
  errorCatalog, FaultlineError, SpecInvalidError, UsageError, NotFoundError, ConflictError, IllegalTransitionError,
  BlastRadiusError, ProviderError, ProbeError, TimeoutError, RevertPendingError, UnauthorizedError, ForbiddenError,
  InternalError, RunOwnershipLostError, isOwnershipLost, formatSpecIssues, toErrorInfo,
} from './errors.js';
export type { ErrorCode, SpecIssue, ErrorInfo } from './errors.js';
export {
  runStates, transitions, isTerminal, canTransition, assertTransition, possiblyDirtyStates, exitCodes, USAGE_EXIT_CODE, INEFFECTIVE_EXIT_CODE, exitCodeOf,
} from './run-state.js';
export type { RunState, TerminalState, Outcome } from './run-state.js';
export {
  selectTargets, seededRandom, artefactName, parseArtefactName, newRunId, RUN_ID_RE, selectionModeTypes,
} from './target.js';
export type { Target, SelectionMode } from './target.js';
export { defaultRevertPolicy } from './experiment.js';
export type {
  Experiment, ExperimentSpec, TargetSpec, FaultSpec, ProbeSpec, GuardSpec, BlastRadius, RevertPolicy, GrafanaAnnotationSpec,
} from './experiment.js';
export { notifyEvents, notifyDefaults, notifySchema, normalizeNotify } from './notify.js';
export type { NotifyEvent, NotifySpec, NotifyEventsOption } from './notify.js';
export { checkExpectation, describeExpectation } from './expectation.js';
export type { Expectation, Observation, ExpectationCheck } from './expectation.js';
export { silentLogger } from './logger.js';
export type { Logger } from './logger.js';
export { createRegistry } from './contracts.js';
export type {
  CallContext, FaultContext, TargetResolver, FaultProvider, Orphan, OrphanSweeper, Probe, ProviderPlugin, Registry,
} from './contracts.js';
export { judgeEffect, unverifiedEffect, INEFFECTIVE_BELOW } from './effect.js';
export type { FaultEffect } from './effect.js';
export { sleep, withTimeout, withDeadline, backoffMs } from './async.js';
export type { Awaitable } from './async.js';
export { replayJournal, possiblyActive } from './journal.js';
export type {
  RunPlan, PlannedTarget, PlannedFault, LimitCheck, ProbeResult, AbortSource, RunTimings, JournalEventBody,
  JournalEventType, JournalEvent, JournalSink, JournalSource, FaultRecord, IneffectiveFault,
} from './journal.js';
export type { Lease, LeaseStore } from './lease.js';
export { redactSecrets, REDACTED } from './redact.js';
export { systemClock, createManualClock, offsetClock } from './clock.js';
export type { Clock, ManualClock } from './clock.js';
export { isHostAllowed, normalizeHost } from './allow-hosts.js';
export type { AllowHosts } from './allow-hosts.js';
export {
  SecretRefSchema, StringOrSecretSchema, isSecretValue, describeSecretRef, createSecretResolver, scrubJson, resolveSecretValues, secretRefsIn,
  SECRET_SCRUBBED,
} from './secrets.js';
export type { SecretRef, SecretValue, StringOrSecret, SecretSource, SecretResolver } from './secrets.js';

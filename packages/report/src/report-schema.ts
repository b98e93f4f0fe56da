import { Type, type Static } from '@sinclair/typebox';
import type { Json } from '@faultline/core';

/** Bumped when a field changes meaning or disappears; adding optional fields keeps the version. */
export const RUN_REPORT_SCHEMA_VERSION = 1;

const strict = { additionalProperties: false } as const;
const Timestamp = (description: string) => Type.String({ format: 'date-time', description });
const Millis = (description: string) => Type.Number({ minimum: 0, description });
const AnyJson = (description: string) => Type.Unsafe<Json>({ description });

const OutcomeSchema = Type.Union(
  [
    Type.Literal('completed'), Type.Literal('deviated'), Type.Literal('aborted'), Type.Literal('failed'),
    Type.Literal('revert-pending'), Type.Literal('running'),
  ],
  { description: "The run's verdict; 'running' when the journal has no verdict yet." },
);

const ErrorInfoSchema = Type.Object(
  {
    code: Type.String({ description: 'FL_* code, e.g. FL_PROVIDER' }),
    message: Type.String(),
    retryable: Type.Boolean(),
  },
  strict,
);

const ExpectationSchema = Type.Object(
  {
    below: Type.Optional(Type.Number()),
    above: Type.Optional(Type.Number()),
    between: Type.Optional(Type.Tuple([Type.Number(), Type.Number()])),
    equals: Type.Optional(AnyJson('value must equal this')),
    in: Type.Optional(Type.Array(AnyJson('an allowed value'))),
    matches: Type.Optional(Type.String()),
    status: Type.Optional(Type.Union([Type.Number(), Type.Array(Type.Number())])),
    latencyBelowMs: Type.Optional(Type.Number()),
  },
  { ...strict, description: 'What the probe must observe, as written in the experiment (durations in ms).' },
);

/** One probe evaluation as it appears in a report. */
export const ProbeObservationSchema = Type.Object(
  {
    at: Timestamp('When the result was journaled.'),
    ok: Type.Boolean(),
    observed: AnyJson('What the probe saw (the value expectations test).'),
    expected: Type.String({ description: "Human summary of the expectation: 'below 0.01'." }),
    reason: Type.String({ description: 'One line: why it passed or failed.' }),
    durationMs: Millis('How long the evaluation took.'),
    latencyMs: Type.Optional(Type.Number()),
    status: Type.Optional(Type.Number()),
    error: Type.Optional(ErrorInfoSchema),
    consecutiveFailures: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  strict,
);

const SteadyStateResultSchema = Type.Object(
  {
    probe: Type.String(),
    kind: Type.String({ description: "Probe kind: 'http', 'prometheus', ..." }),
    ...ProbeObservationSchema.properties,
  },
  strict,
);

const GuardBreachSchema = Type.Object(
  {
    at: Timestamp('When the breach was detected (consecutive failures reached breachAfter).'),
    consecutiveFailures: Type.Integer({ minimum: 1 }),
    observed: AnyJson('The observation that tripped the guard.'),
    expected: Type.String(),
    reason: Type.String(),
    firstFailureAt: Type.Optional(Timestamp('First failing observation of the streak that led to the breach.')),
    timeToDetectMs: Type.Optional(Millis('firstFailureAt -> at.')),
  },
  strict,
);

const GuardReportSchema = Type.Object(
  {
    name: Type.String(),
    kind: Type.String(),
    expected: Type.String(),
    expectation: Type.Optional(ExpectationSchema),
    everyMs: Type.Optional(Millis('Evaluation interval.')),
    breachAfter: Type.Optional(Type.Integer({ minimum: 1, description: 'Consecutive failures that abort the run.' })),
    passed: Type.Integer({ minimum: 0 }),
    failed: Type.Integer({ minimum: 0 }),
    observations: Type.Array(ProbeObservationSchema, { description: 'Every evaluation, in journal order.' }),
    breach: Type.Optional(GuardBreachSchema),
  },
  strict,
);

const PhaseSchema = Type.Object(
  {
    state: Type.String({ description: 'Run state (pending, planning, checking-before, injecting, holding, ...).' }),
    startedAt: Timestamp('Entered the state.'),
    endedAt: Type.Optional(Timestamp('Left the state; absent for the final state.')),
    durationMs: Type.Optional(Millis('startedAt -> endedAt.')),
    reason: Type.Optional(Type.String({ description: 'Why the run entered this state, when the engine said.' })),
  },
  strict,
);

const TargetRefSchema = Type.Object(
  {
    id: Type.String(),
    kind: Type.String(),
    name: Type.String(),
    namespace: Type.Optional(Type.String()),
    labels: Type.Record(Type.String(), Type.String()),
  },
  strict,
);

const PlanSchema = Type.Object(
  {
    durationMs: Millis('How long faults are held.'),
    seed: Type.Number({ description: 'Seed for random selection modes (reproducible plans).' }),
    targets: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          kind: Type.String(),
          mode: Type.String(),
          candidates: Type.Integer({ minimum: 0 }),
          selected: Type.Array(TargetRefSchema),
        },
        strict,
      ),
    ),
    faults: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          type: Type.String(),
          target: Type.String(),
          afterMs: Millis('Start offset inside the hold.'),
          untilMs: Millis('End offset inside the hold.'),
          params: AnyJson('The fault parameters (`with:`).'),
          summary: Type.String(),
        },
        strict,
      ),
    ),
    limits: Type.Array(Type.Object({ limit: Type.String(), ok: Type.Boolean(), detail: Type.String() }, strict)),
  },
  strict,
);

const RevertAttemptErrorSchema = Type.Object(
  { attempt: Type.Integer({ minimum: 1 }), at: Timestamp('When the attempt failed.'), error: ErrorInfoSchema },
  strict,
);

const FaultEffectSchema = Type.Object(
  {
    status: Type.Union([Type.Literal('effective'), Type.Literal('ineffective'), Type.Literal('unverified')], {
      description: 'Measured while active: ineffective = far below the ask (< half); unverified = nothing to measure against.',
    }),
    metric: Type.Optional(Type.Union([Type.Literal('rtt-ms'), Type.Literal('loss-ratio'), Type.Literal('reachable-ratio'), Type.Literal('bytes-per-sec')])),
    asked: Type.Optional(Type.Number()),
    measured: Type.Optional(Type.Number()),
    destination: Type.Optional(Type.String()),
    samples: Type.Optional(Type.Integer({ minimum: 0 })),
    detail: Type.String({ description: "One line: 'ineffective: asked 50 ms, measured 0.4 ms to 10.0.0.5:80 (p50 of 9 round trips)'." }),
  },
  strict,
);

const IneffectiveFaultSchema = Type.Object({ fault: Type.String(), targetId: Type.String(), detail: Type.String() }, strict);

const FaultTargetReportSchema = Type.Object(
  {
    fault: Type.String(),
    faultType: Type.String(),
    target: TargetRefSchema,
    params: AnyJson('The fault parameters.'),
    phase: Type.Union(
      [
        Type.Literal('injecting'), Type.Literal('injected'), Type.Literal('inject-failed'), Type.Literal('reverting'),
        Type.Literal('reverted'), Type.Literal('revert-failed'),
      ],
      { description: 'Last known phase. Anything but reverted may still be active on the target.' },
    ),
    inject: Type.Object(
      {
        attempts: Type.Integer({ minimum: 1 }),
        startedAt: Timestamp('First inject call (write-ahead record).'),
        injectedAt: Type.Optional(Timestamp('Backend confirmed the fault.')),
        durationMs: Type.Optional(Millis('Duration of the successful inject call.')),
        errors: Type.Array(Type.Object({ at: Timestamp('When the inject failed.'), error: ErrorInfoSchema }, strict)),
      },
      strict,
    ),
    revert: Type.Object(
      {
        attempts: Type.Integer({ minimum: 0 }),
        startedAt: Type.Optional(Timestamp('First revert attempt.')),
        revertedAt: Type.Optional(Timestamp('Revert confirmed.')),
        durationMs: Type.Optional(Millis('Duration of the successful revert call.')),
        totalMs: Type.Optional(Millis('First revert attempt -> reverted, retries included.')),
        by: Type.Optional(Type.Union([Type.Literal('run'), Type.Literal('recover'), Type.Literal('ttl')])),
        errors: Type.Array(RevertAttemptErrorSchema),
      },
      strict,
    ),
    activeMs: Type.Optional(Millis('Inject start -> reverted: how long the target carried the fault.')),
    effect: Type.Optional(FaultEffectSchema),
  },
  strict,
);

const AffectedTargetSchema = Type.Object(
  {
    ...TargetRefSchema.properties,
    faults: Type.Array(Type.String()),
    clean: Type.Boolean({ description: 'True when every fault on this target is confirmed reverted.' }),
  },
  strict,
);

const TimingsSchema = Type.Object(
  {
    startedAt: Timestamp('Run created.'),
    endedAt: Timestamp('Verdict journaled (or the last event of an unfinished run).'),
    durationMs: Millis('startedAt -> endedAt.'),
    holdStartedAt: Type.Optional(Timestamp('Entered holding.')),
    holdEndedAt: Type.Optional(Timestamp('Entered reverting (hold over, or cut short).')),
    breachAt: Type.Optional(Timestamp('First guard breach detected.')),
    abortAt: Type.Optional(Timestamp('Abort decided.')),
    allRevertedAt: Type.Optional(Timestamp('Last revert confirmed; every fault is gone.')),
    timeToDetectMs: Type.Optional(Millis('First failing guard observation -> breach.')),
    timeToAbortMs: Type.Optional(Millis('Breach -> abort decided.')),
    timeToRevertMs: Type.Optional(Millis('Abort decided (or hold end) -> all reverted.')),
    breachToRevertedMs: Type.Optional(Millis('Breach -> all reverted: what the system endured after detection.')),
  },
  strict,
);

/** JSON Schema (draft 2020-12 compatible) of the report `buildRunReport` returns. */
export const RunReportSchema = Type.Object(
  {
    schemaVersion: Type.Literal(RUN_REPORT_SCHEMA_VERSION),
    runId: Type.String(),
    experiment: Type.Object(
      {
        name: Type.String(),
        description: Type.Optional(Type.String()),
        labels: Type.Record(Type.String(), Type.String()),
        holdMs: Type.Optional(Millis('Planned hold duration.')),
        source: Type.Optional(Type.String({ description: 'Where the experiment came from (file path, API).' })),
        steadyState: Type.Array(
          Type.Object({ name: Type.String(), kind: Type.String(), expected: Type.String(), expectation: ExpectationSchema }, strict),
          { description: 'The steady-state probes the experiment declares (checked before injecting and after reverting).' },
        ),
      },
      strict,
    ),
    host: Type.Optional(Type.String({ description: 'Host that ran the experiment.' })),
    dryRun: Type.Boolean(),
    state: Type.String({ description: 'Last run state in the journal.' }),
    outcome: OutcomeSchema,
    reason: Type.String(),
    ineffective: Type.Optional(Type.Array(IneffectiveFaultSchema, {
      description: 'Faults measured ineffective while active. The outcome stays what the hypothesis says, but the run tested less than it claims: never a plain pass.',
    })),
    abort: Type.Optional(
      Type.Object(
        {
          at: Timestamp('Abort decided.'),
          source: Type.String({ description: 'guard | signal | halt | budget | api | error' }),
          reason: Type.String(),
        },
        strict,
      ),
    ),
    timings: TimingsSchema,
    phases: Type.Array(PhaseSchema),
    plan: Type.Optional(PlanSchema),
    steadyState: Type.Object(
      { before: Type.Array(SteadyStateResultSchema), after: Type.Array(SteadyStateResultSchema) },
      strict,
    ),
    guards: Type.Array(GuardReportSchema),
    faults: Type.Array(FaultTargetReportSchema),
    targets: Type.Array(AffectedTargetSchema, { description: 'Every target a fault was (or may have been) applied to.' }),
    forced: Type.Array(
      Type.Object({ at: Timestamp('When the operator forced it.'), by: Type.String(), reason: Type.String(), faults: Type.Array(Type.String()) }, strict),
    ),
    notes: Type.Array(Type.Object({ at: Timestamp('When noted.'), message: Type.String() }, strict)),
    warnings: Type.Array(Type.String(), { description: 'Problems found in the journal itself (missing or out-of-order events).' }),
    events: Type.Object(
      {
        count: Type.Integer({ minimum: 0 }),
        byType: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
        firstSeq: Type.Optional(Type.Integer()),
        lastSeq: Type.Optional(Type.Integer()),
      },
      strict,
    ),
  },
  {
    ...strict,
    $id: 'https://faultline.dev/schemas/run-report.v1.json',
    title: 'Faultline run report',
    description: 'A run reconstructed from its journal: verdict, timings, phases, plan, probes, guards and faults.',
  },
);

export type RunReport = Static<typeof RunReportSchema>;
export type RunReportOutcome = Static<typeof OutcomeSchema>;
export type ProbeObservation = Static<typeof ProbeObservationSchema>;
export type SteadyStateResult = Static<typeof SteadyStateResultSchema>;
export type GuardReport = Static<typeof GuardReportSchema>;
export type GuardBreach = Static<typeof GuardBreachSchema>;
export type PhaseReport = Static<typeof PhaseSchema>;
export type PlanReport = Static<typeof PlanSchema>;
export type FaultTargetReport = Static<typeof FaultTargetReportSchema>;
export type AffectedTarget = Static<typeof AffectedTargetSchema>;
export type TargetRef = Static<typeof TargetRefSchema>;
export type Expectation = Static<typeof ExpectationSchema>;
export type RunReportTimings = Static<typeof TimingsSchema>;

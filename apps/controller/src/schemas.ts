import { Type, type Static } from '@sinclair/typebox';
import { runStates } from '@faultline/core';

export const ErrorSchema = Type.Object({
  code: Type.String({ description: 'Error code, see docs/errors.md' }),
  message: Type.String({ description: 'What went wrong and how to fix it' }),
  hint: Type.Optional(Type.String()),
  issues: Type.Optional(Type.Array(Type.Unknown())),
  runId: Type.Optional(Type.String()),
}, { $id: 'Error' });

export const RunSchema = Type.Object({
  runId: Type.String(),
  experiment: Type.String(),
  experimentVersion: Type.Optional(Type.Integer()),
  labels: Type.Record(Type.String(), Type.String()),
  state: Type.Union(runStates.map((s) => Type.Literal(s))),
  phase: Type.Union([Type.Literal('accepted'), Type.Literal('running'), Type.Literal('finished')], {
    description: 'accepted = stored, not started; running = in progress or reverting; finished = terminal state reached',
  }),
  outcome: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  startedAt: Type.Optional(Type.String()),
  endedAt: Type.Optional(Type.String()),
  source: Type.String(),
  scheduleId: Type.Optional(Type.String()),
  fencingToken: Type.Optional(Type.Integer()),
  owner: Type.Optional(Type.Object({
    replica: Type.String({ description: 'Controller replica that owns (hosts) the run' }),
    token: Type.Integer({ description: 'Fencing token, bumped by every adoption' }),
    renewedAt: Type.Optional(Type.String()),
    expiresAt: Type.Optional(Type.String({ description: 'When another replica may adopt the run unless the owner renews' })),
  }, { description: 'Run ownership across controller replicas (docs/safety.md)' })),
  links: Type.Object({ self: Type.String(), events: Type.String(), report: Type.String(), abort: Type.String() }),
}, { $id: 'Run' });
export type RunView = Static<typeof RunSchema>;

/** An inline experiment: its file text, or the same document as a JSON object (what `jq` builds). */
export const InlineDefinition = Type.Unsafe<string | Record<string, unknown>>({
  description: 'Inline experiment: YAML or JSON text, or the experiment document as a JSON object',
  oneOf: [
    { type: 'string', minLength: 1, maxLength: 262_144, description: 'Experiment file text (YAML or JSON)' },
    { type: 'object', description: 'The experiment document as a JSON object (apiVersion, kind, metadata, spec)' },
  ],
});

export const SubmitRunBody = Type.Object({
  experiment: Type.Optional(Type.String({ minLength: 1, description: 'Name of a stored experiment' })),
  version: Type.Optional(Type.Integer({ minimum: 1, description: 'Stored version (default: latest)' })),
  definition: Type.Optional(InlineDefinition),
  labels: Type.Optional(Type.Record(Type.String({ maxLength: 63 }), Type.String({ maxLength: 253 }), { description: 'Extra labels for this run (e.g. ci job, commit)' })),
}, { additionalProperties: false });

export const ExperimentBody = Type.Object({
  definition: Type.String({ minLength: 1, maxLength: 262_144, description: 'Experiment file text (YAML or JSON)' }),
}, { additionalProperties: false });

export const ExperimentSchema = Type.Object({
  name: Type.String(),
  version: Type.Integer(),
  body: Type.String(),
  createdAt: Type.String(),
  createdBy: Type.Optional(Type.String()),
}, { $id: 'Experiment' });

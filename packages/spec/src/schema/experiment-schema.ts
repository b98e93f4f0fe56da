import { selectionModeTypes } from '@faultline/core';
import { Type, type TSchema } from '@sinclair/typebox';
import { Duration, KEBAB_NAME, Labels, LOOSE_NAME, MAX_FAULT_NAME, NamedMap, StringEnum } from './common.js';
import { OpenEntry, plainSchema, type EntryKinds } from './entry-kinds.js';
import { ExpectationSchema } from './expectation-schema.js';
import { AnnotationsSchema, notifySchema } from './notify-schema.js';

/** The API version every experiment file declares. */
export const API_VERSION = 'faultline.dev/v1';

export const FAULT_TYPE_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*\\.[a-z0-9]+(-[a-z0-9]+)*$';

const TargetName = Type.String({ pattern: LOOSE_NAME, maxLength: 63, description: 'Name of an entry in spec.targets.' });
const ProbeName = Type.String({
  pattern: LOOSE_NAME,
  maxLength: 63,
  description: 'Name shown in reports: letters, digits, dashes, dots and underscores.',
});

export const SelectionModeSchema = Type.Object(
  {
    type: StringEnum(selectionModeTypes, {
      description: 'one: a random one; all: every match; fixed: `value` of them; fixed-percent: `value`% of them; random-max-percent: a random share up to `value`%.',
    }),
    value: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Count for fixed (a whole number), percent (0-100] for the percent modes.' })),
  },
  { additionalProperties: false, description: 'How many of the matching targets to act on. Default: all.' },
);

/** The keys of a probe/guard entry besides the probe kind. */
export const probeFixedKeys = ['name', 'expect', 'timeout'] as const;
export const guardFixedKeys = [...probeFixedKeys, 'every', 'breachAfter'] as const;
export const targetFixedKeys = ['mode'] as const;

function probeFixed(): Record<string, TSchema> {
  return {
    name: ProbeName,
    expect: ExpectationSchema,
    timeout: Type.Optional(Duration('Per-evaluation timeout; a probe that does not answer in time has failed. Default 2s (for guards at most `every`).')),
  };
}

export interface ExperimentSchemaParts {
  /** Target selectors by kind. */
  readonly targets: EntryKinds;
  /** Probe parameters by kind. */
  readonly probes: EntryKinds;
  /** Fault `with:` schemas by fault type. */
  readonly faults: EntryKinds;
}

function faultEntry(kinds: EntryKinds): TSchema {
  const known = kinds instanceof Map ? [...kinds.keys()].sort() : undefined;
  const properties = {
    name: Type.String({
      pattern: KEBAB_NAME,
      maxLength: MAX_FAULT_NAME,
      description: `Fault name, unique in the experiment: lowercase letters, digits and dashes, at most ${MAX_FAULT_NAME} characters (it names what the fault creates).`,
    }),
    type: known
      ? StringEnum(known, { description: 'Fault type: <provider>.<fault>.' })
      : Type.String({ pattern: FAULT_TYPE_PATTERN, description: 'Fault type: <provider>.<fault>, e.g. toxiproxy.latency.' }),
    target: TargetName,
    with: Type.Optional(Type.Unsafe<Record<string, unknown>>({ type: 'object', description: 'Parameters of the fault type (see its documentation).' })),
    after: Type.Optional(Duration('Offset inside the hold at which the fault starts. Default 0s.')),
    for: Type.Optional(Duration('How long the fault stays. Default: until the hold ends.')),
  };
  const base = { type: 'object', properties, required: ['name', 'type', 'target'], additionalProperties: false, description: 'A fault to inject.' };
  if (!(kinds instanceof Map) || kinds.size === 0) return Type.Unsafe(base);
  return Type.Unsafe({
    ...base,
    allOf: [...kinds.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([type, schema]) => ({
        if: { properties: { type: { const: type } }, required: ['type'] },
        then: {
          properties: { with: { ...plainSchema(schema), description: (schema['description'] as string | undefined) ?? `Parameters of ${type}.` } },
          // A type whose parameters have required keys needs `with:` itself.
          ...(Array.isArray(schema['required']) && schema['required'].length > 0 ? { required: ['with'] } : {}),
        },
      })),
  });
}

/** One guard entry (spec.guards[i]); other file kinds with guards (a GameDay) reuse it. */
export function guardEntrySchema(probes: EntryKinds, description = 'A guard: a probe checked continuously while faults are active; a breach aborts the run and reverts everything.'): TSchema {
  return OpenEntry({
    fixed: {
      ...probeFixed(),
      every: Type.Optional(Duration('How often the guard is checked while any fault is active. Default 1s.')),
      breachAfter: Type.Optional(Type.Integer({ minimum: 1, description: 'Consecutive failures (including probe errors) before the run is aborted. Default 1.' })),
    },
    required: ['name', 'expect'],
    kinds: probes,
    kindWhat: 'The probe',
    description,
  });
}

/** The experiment document schema. The parser uses 'open' parts; editors get the registry's. */
export function experimentSchema(parts: ExperimentSchemaParts): TSchema {
  const probe = OpenEntry({
    fixed: probeFixed(),
    required: ['name', 'expect'],
    kinds: parts.probes,
    kindWhat: 'The probe',
    description: 'A probe: name, one key naming the probe kind (prometheus, http, tcp, ...) with its parameters, and expect.',
  });
  const guard = guardEntrySchema(parts.probes);
  const target = OpenEntry({
    fixed: { mode: Type.Optional(SelectionModeSchema) },
    required: [],
    kinds: parts.targets,
    kindWhat: 'The target kind',
    description: 'A target: one key naming the kind (toxiproxy, kubernetes, docker, proxy, http) with its selector, and an optional mode.',
  });

  return Type.Object(
    {
      apiVersion: Type.Literal(API_VERSION, { description: `Always ${API_VERSION}.` }),
      kind: Type.Literal('Experiment', { description: 'Always Experiment.' }),
      metadata: Type.Object(
        {
          name: Type.String({ pattern: KEBAB_NAME, maxLength: 63, description: 'Experiment name: lowercase letters, digits and dashes, e.g. checkout-survives-slow-redis.' }),
          labels: Type.Optional(Labels),
        },
        { additionalProperties: false, description: 'Name and labels of the experiment.' },
      ),
      spec: Type.Object(
        {
          description: Type.Optional(Type.String({ description: 'What the experiment shows, in one or two sentences.' })),
          duration: Duration('How long faults are held.'),
          targets: NamedMap(target, {
            keyPattern: LOOSE_NAME,
            keyDescription: 'a target name: letters, digits, dashes, dots and underscores',
            description: 'Named targets the faults act on.',
            minProperties: 1,
          }),
          steadyState: Type.Optional(Type.Array(probe, { description: 'Probes that must hold before injecting and after reverting.' })),
          faults: Type.Array(faultEntry(parts.faults), { minItems: 1, description: 'Faults to inject during the hold.' }),
          guards: Type.Optional(Type.Array(guard, { description: 'Probes checked continuously while faults are active; a breach aborts the run.' })),
          blastRadius: Type.Optional(
            Type.Object(
              {
                maxTargets: Type.Optional(Type.Integer({ minimum: 1, description: 'At most this many targets in total.' })),
                maxPercent: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100, description: "At most this share (percent) of each target's candidates." })),
                namespaces: Type.Optional(
                  Type.Array(Type.String({ minLength: 1, description: 'A namespace name.' }), {
                    minItems: 1,
                    uniqueItems: true,
                    description: 'Only targets in these namespaces (targets without a namespace are unaffected).',
                  }),
                ),
                requireLabel: Type.Optional(
                  Type.String({ pattern: '^[^=\\s]+=[^=\\s]*$', description: 'A label every target must carry, as key=value, e.g. faultline.dev/enabled=true.' }),
                ),
                allowKubeSystem: Type.Optional(Type.Boolean({ description: 'Allow targets in kube-system. Default false.' })),
              },
              { additionalProperties: false, description: 'Limits checked on the resolved plan before anything is injected.' },
            ),
          ),
          settle: Type.Optional(Duration('Wait this long after reverting before the after-check. Default 0s.')),
          maxDuration: Type.Optional(Duration('Hard budget for the whole run; exceeded means abort and revert.')),
          revert: Type.Optional(
            Type.Object(
              {
                timeout: Type.Optional(Duration('Timeout of each revert attempt. Default 10s.')),
                maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Attempts before the run is reported revert-pending. Default 8.' })),
                initialBackoff: Type.Optional(Duration('Wait before the second attempt; doubles each time. Default 200ms.')),
                maxBackoff: Type.Optional(Duration('Longest wait between attempts. Default 10s.')),
              },
              { additionalProperties: false, description: 'How hard reverts are retried.' },
            ),
          ),
          notify: Type.Optional(notifySchema({ headsUp: false })),
          annotations: Type.Optional(AnnotationsSchema),
        },
        { additionalProperties: false, description: 'What the experiment does.' },
      ),
    },
    { additionalProperties: false, description: 'A Faultline chaos experiment.' },
  );
}

/** The schema the parser validates structure with (kind-specific parts are checked separately). */
export const parserExperimentSchema: TSchema = experimentSchema({ targets: 'open', probes: 'open', faults: 'open' });

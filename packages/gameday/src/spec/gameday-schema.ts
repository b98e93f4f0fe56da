import { API_VERSION, Duration, KEBAB_NAME, Labels, StringEnum } from '@faultline/spec';
import { Type, type TSchema } from '@sinclair/typebox';
import { notifySchema } from '@faultline/core';
import { dayNotifyEvents, expectableOutcomes, gateAnswers } from '../model.js';

/** The keys that say what a step is; every step has exactly one. */
export const stepKindKeys = ['experiment', 'gate', 'wait', 'checklist'] as const;

const Text = (description: string) => Type.String({ minLength: 1, description });

const ExperimentStepSchema = Type.Object(
  {
    file: Type.Optional(Text('Path of an experiment file, relative to this file.')),
    inline: Type.Optional(Type.Unsafe<Record<string, unknown>>({ type: 'object', description: 'An experiment written in place (apiVersion, kind: Experiment, metadata, spec).' })),
    expect: Type.Optional(StringEnum(expectableOutcomes, { description: 'The verdict the team expects; the step passes when the run ends with it. Default completed (aborted: "the guard should fire").' })),
    seed: Type.Optional(Type.Integer({ minimum: 0, description: 'Seed for random target selection.' })),
  },
  { additionalProperties: false, description: 'Run an experiment: `file:` or `inline:`, and the expected verdict.' },
);

const GateStepSchema = Type.Object(
  {
    question: Text('What the facilitator is asked, e.g. "Was on-call paged? Note when."'),
    default: Type.Optional(StringEnum(gateAnswers, { description: 'Answer taken on timeout and without a terminal (--yes): go, skip (the next step) or no-go (end the day). Default no-go.' })),
    timeout: Type.Optional(Duration('How long to wait for an answer before the default is taken. Default 15m.')),
  },
  { additionalProperties: false, description: 'A question for the facilitator, answered go / skip / no-go with an optional note.' },
);

const WaitStepSchema = Type.Object(
  { duration: Duration('How long to pause (a countdown is shown).') },
  { additionalProperties: false, description: 'A pause, e.g. to let the error budget settle.' },
);

const ChecklistStepSchema = Type.Object(
  { items: Type.Array(Text('One thing to check.'), { minItems: 1, description: 'Items to tick; each tick is timestamped.' }) },
  { additionalProperties: false, description: 'Items for the team to tick.' },
);

const StepSchema = Type.Object(
  {
    title: Text('What this step is, in a few words.'),
    briefing: Type.Optional(Type.String({ description: 'Shown before the step starts: what will happen, what to watch.' })),
    experiment: Type.Optional(ExperimentStepSchema),
    gate: Type.Optional(GateStepSchema),
    wait: Type.Optional(WaitStepSchema),
    checklist: Type.Optional(ChecklistStepSchema),
  },
  { additionalProperties: false, description: 'One step: a title, an optional briefing and exactly one of experiment, gate, wait, checklist.' },
);

/** The `kind: GameDay` document. Guards are checked with the experiment's guard rules separately. */
export const gameDaySchema: TSchema = Type.Object(
  {
    apiVersion: Type.Literal(API_VERSION, { description: `Always ${API_VERSION}.` }),
    kind: Type.Literal('GameDay', { description: 'Always GameDay.' }),
    metadata: Type.Object(
      {
        name: Type.String({ pattern: KEBAB_NAME, maxLength: 63, description: 'Game day name: lowercase letters, digits and dashes, e.g. storefront-q3.' }),
        facilitator: Type.Optional(Text('Who runs the day and answers the gates.')),
        participants: Type.Optional(Type.Array(Text('A participant.'), { uniqueItems: true, description: 'Who takes part.' })),
        hypothesis: Type.Optional(Text('The hypothesis of the day.')),
        labels: Type.Optional(Labels),
      },
      { additionalProperties: false, description: 'Name, people, hypothesis and labels of the day.' },
    ),
    spec: Type.Object(
      {
        description: Type.Optional(Type.String({ description: 'What the day is for.' })),
        guards: Type.Optional(Type.Unsafe<unknown[]>({ type: 'array', description: 'Guards watched for the whole day (same format as an experiment\'s guards); a breach aborts the current step and stops the day.' })),
        steps: Type.Array(StepSchema, { minItems: 1, description: 'The steps, in order.' }),
        notify: Type.Optional(notifySchema({
          headsUp: true,
          events: {
            names: dayNotifyEvents,
            description: 'Day events to send: heads-up (before a day started with a start time), day-started, step-started, step-ended, gate-waiting (a gate waits for the facilitator), day-ended, day-aborted (aborted, halted or revert-pending). Default: all of them.',
          },
        })),
      },
      { additionalProperties: false, description: 'What the day does.' },
    ),
  },
  { additionalProperties: false, description: 'A Faultline game day: ordered steps with a facilitator.' },
);

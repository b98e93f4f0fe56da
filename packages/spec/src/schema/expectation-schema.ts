import { Type } from '@sinclair/typebox';
import { Duration } from './common.js';

const Status = Type.Integer({ minimum: 100, maximum: 599, description: 'an HTTP status such as 200' });

/** `expect:` of a probe or guard. Every key given must hold. */
export const ExpectationSchema = Type.Object(
  {
    below: Type.Optional(Type.Number({ description: 'The observed value must be less than this number.' })),
    above: Type.Optional(Type.Number({ description: 'The observed value must be greater than this number.' })),
    between: Type.Optional(
      Type.Tuple([Type.Number(), Type.Number()], { description: 'Inclusive range [low, high] the observed value must lie in.' }),
    ),
    equals: Type.Optional(Type.Unknown({ description: 'The observed value must equal this value (numbers compare numerically).' })),
    in: Type.Optional(Type.Array(Type.Unknown(), { minItems: 1, description: 'The observed value must equal one of these values.' })),
    matches: Type.Optional(Type.String({ minLength: 1, description: 'A regular expression the observed value (as a string) must match.' })),
    status: Type.Optional(
      Type.Union([Status, Type.Array(Status, { minItems: 1, description: 'a list of HTTP statuses such as [200, 204]' })], {
        description: 'HTTP status the probe must see, or a list of allowed statuses.',
      }),
    ),
    latencyBelow: Type.Optional(Duration('The probe must answer faster than this.')),
  },
  { additionalProperties: false, minProperties: 1, description: 'What the probe must observe; every key given must hold.' },
);

export const expectationKeys = Object.keys(ExpectationSchema.properties);

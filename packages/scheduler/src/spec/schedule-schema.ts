import { Type, type Static } from '@sinclair/typebox';
import { DurationString, notifySchema } from '@faultline/core';
import { concurrencyPolicies, weekdayNames } from './schedule.js';

const NAME = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const CLOCK = '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$';

const Window = Type.Object(
  {
    days: Type.Optional(
      Type.Array(Type.Union(weekdayNames.map((d) => Type.Literal(d))), {
        minItems: 1,
        uniqueItems: true,
        description: 'Days the window starts on; default every day.',
      }),
    ),
    start: Type.String({ pattern: CLOCK, description: 'Local start time, HH:MM.' }),
    end: Type.String({ pattern: CLOCK, description: 'Local end time, HH:MM or 24:00; earlier than start wraps past midnight.' }),
  },
  { additionalProperties: false },
);

/**
 * JSON Schema (TypeBox) of a `kind: Schedule` document as people write it. Published for editors and
 * used for REST bodies; parseSchedule adds the checks a schema cannot express (cron, zone, XOR).
 */
export const scheduleDocumentSchema = Type.Object(
  {
    apiVersion: Type.Literal('faultline.dev/v1'),
    kind: Type.Literal('Schedule'),
    metadata: Type.Object(
      {
        name: Type.String({ pattern: NAME, maxLength: 63, description: 'Lower-case letters, digits and dashes.' }),
        labels: Type.Optional(Type.Record(Type.String(), Type.String())),
        description: Type.Optional(Type.String()),
      },
      { additionalProperties: false },
    ),
    spec: Type.Object(
      {
        experiment: Type.String({ minLength: 1, maxLength: 253, description: 'Name of a stored experiment.' }),
        cron: Type.Optional(Type.String({ description: '5-field cron (node-cron syntax), read in timeZone.' })),
        randomInWindow: Type.Optional(Type.Boolean({ description: 'Fire once a day at a seeded random time inside the windows.' })),
        seed: Type.Optional(Type.String({ minLength: 1, description: 'Seed of randomInWindow; default metadata.name.' })),
        timeZone: Type.String({ minLength: 1, description: 'IANA time zone, e.g. Europe/Berlin.' }),
        windows: Type.Optional(Type.Array(Window)),
        blackoutDates: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }), { uniqueItems: true })),
        calendars: Type.Optional(Type.Array(Type.String({ minLength: 1, description: 'Path to an .ics file, or inline iCalendar text.' }))),
        concurrencyPolicy: Type.Optional(Type.Union(concurrencyPolicies.map((p) => Type.Literal(p)))),
        startingDeadline: Type.Optional(DurationString('How late a missed fire may still start, e.g. 5m.')),
        paused: Type.Optional(Type.Boolean()),
        historyLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
        notify: Type.Optional(notifySchema({ headsUp: true })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, $id: 'https://faultline.dev/schemas/v1/schedule.json' },
);

export type ScheduleDocument = Static<typeof scheduleDocumentSchema>;

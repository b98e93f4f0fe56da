import { buildExperimentJsonSchema } from '@faultline/spec';
import type { Registry } from '@faultline/core';
import { gameDaySchema } from './gameday-schema.js';

/** Where the published schema lives; GameDay files reference it with `# yaml-language-server: $schema=...`. */
export const GAMEDAY_SCHEMA_ID = 'https://faultline.dev/schemas/gameday.schema.json';

type Obj = Record<string, unknown>;
/** A deep copy as plain JSON (drops TypeBox's symbol keys). */
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/**
 * The JSON Schema (draft-07) of `kind: GameDay` files for editors. `inline:` experiments and day-level
 * `guards` get the experiment file's own schema (with a registry: fault types, `with:` parameters,
 * selectors and probes too), embedded so that editors need nothing but this one file.
 */
export function buildGameDayJsonSchema(registry?: Registry): Obj {
  const experiment = buildExperimentJsonSchema(registry);
  const { $schema: _s, $id: _i, title: _t, ...experimentBody } = experiment;
  const day = clone(gameDaySchema) as Obj;
  const props = (o: Obj, key: string): Obj => (o['properties'] as Obj)[key] as Obj;
  const spec = props(day, 'spec');
  const guards = props(props(experimentBody, 'spec'), 'guards');
  (spec['properties'] as Obj)['guards'] = { ...clone(guards), description: props(spec, 'guards')['description'] };
  const step = (props(spec, 'steps')['items']) as Obj;
  const expStep = props(step, 'experiment');
  (expStep['properties'] as Obj)['inline'] = { ...clone(experimentBody), description: props(expStep, 'inline')['description'] };
  // Exactly one of the kind keys per step (the parser says so with a precise message; editors show it too).
  step['oneOf'] = ['experiment', 'gate', 'wait', 'checklist'].map((k) => ({ required: [k] }));
  // experiment: file or inline, not both.
  expStep['oneOf'] = [{ required: ['file'] }, { required: ['inline'] }];
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: GAMEDAY_SCHEMA_ID,
    title: 'Faultline game day',
    ...day,
  };
}

/** The schema as the text of `experiments/schema/gameday.schema.json` (stable, 2-space JSON). */
export function renderGameDayJsonSchema(registry?: Registry): string {
  return `${JSON.stringify(buildGameDayJsonSchema(registry), null, 2)}\n`;
}

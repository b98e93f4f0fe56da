import { readFileSync } from 'node:fs';
import { parseDocuments, validateWithSchema } from '@faultline/spec';
import { describe, expect, it } from 'vitest';
import { fullGameDay } from '../test/examples.js';
import { buildGameDayJsonSchema, GAMEDAY_SCHEMA_ID, renderGameDayJsonSchema } from './gameday-json-schema.js';

/** The example as the parser sees it with no environment: `${VAR:-default}` becomes the default. */
const example = readFileSync(new URL('../../../../experiments/gameday/storefront.gameday.yaml', import.meta.url), 'utf8')
  .replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');

describe('buildGameDayJsonSchema', () => {
  const schema = buildGameDayJsonSchema();
  /** The same Ajv (draft-07) the parser uses stands in for an editor's validator. */
  const issues = (text: string) => {
    const [doc] = parseDocuments(text, { file: 'day.yaml' });
    if (!doc) throw new Error('no document');
    return validateWithSchema(schema, doc.value, doc).map((i) => `${i.path}: ${i.message}`);
  };

  it('is a draft-07 schema with its own $id, stable as text', () => {
    const schema = buildGameDayJsonSchema();
    expect(schema['$schema']).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema['$id']).toBe(GAMEDAY_SCHEMA_ID);
    expect(JSON.parse(renderGameDayJsonSchema())).toEqual(schema);
  });

  it('accepts the example day in experiments/ and the full fixture', () => {
    for (const text of [example, fullGameDay]) expect(issues(text)).toEqual([]);
  });

  it('rejects steps with no kind or two kinds, bad durations, a bad inline experiment and a bad day guard', () => {
    const bad = [
      fullGameDay.replace('      wait: { duration: 30s }', '      wait: { duration: 30 seconds }'),
      fullGameDay.replace('    - title: Let it settle\n      wait: { duration: 30s }', '    - title: Let it settle'),
      fullGameDay.replace('      wait: { duration: 30s }', '      wait: { duration: 30s }\n      gate: { question: both? }'),
      fullGameDay.replace('            duration: 1s', '            duraton: 1s'),
      fullGameDay.replace('      every: 1s', '      every: often'),
      fullGameDay.replace('      experiment: { file: resilient.yaml, seed: 7 }', '      experiment: { seed: 7 }'),
      fullGameDay.replace('default: go', 'default: maybe'),
      fullGameDay.replace('kind: GameDay', 'kind: Experiment'),
    ];
    for (const text of bad) {
      expect(text).not.toBe(fullGameDay);
      expect(issues(text), text).not.toEqual([]);
    }
  });
});

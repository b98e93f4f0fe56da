import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocuments } from '../../source/source-document.js';
import { parserExperimentSchema } from '../../schema/experiment-schema.js';
import { designExample, fullJsonExample, minimalExample } from '../../test/examples.js';
import { mutatedExperiments } from '../../test/fuzz-targets.js';
import { ajvErrorsToIssues } from '../ajv-issues.js';
import { compileSchema, runValidator } from '../ajv.js';
import { experimentValidator } from './experiment-validator.js';
import { AJV_VERSION, SCHEMA_SHA256 } from './experiment-validator.generated.js';
import { experimentSchemaHash, experimentValidatorSource, REGENERATE_COMMAND } from './validator-source.js';

const generatedFile = new URL('./experiment-validator.generated.ts', import.meta.url);

/** Errors as plain JSON (the runtime-compiled ones reference TypeBox objects, which carry symbol keys). */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('precompiled experiment validator', () => {
  it('was generated from the current experiment schema', () => {
    expect(SCHEMA_SHA256, `the experiment schema changed since the validator was generated; run: ${REGENERATE_COMMAND}`).toBe(experimentSchemaHash());
  });

  it('is exactly what the generator writes today (schema, Ajv options and Ajv version)', () => {
    const current = readFileSync(generatedFile, 'utf8');
    expect(current === experimentValidatorSource(), `experiment-validator.generated.ts is stale (generated with Ajv ${AJV_VERSION}); run: ${REGENERATE_COMMAND}`).toBe(true);
  });

  const runtime = () => compileSchema(parserExperimentSchema, 'the experiment format');
  const locator = parseDocuments(designExample)[0]!;
  const compare = (value: unknown) => {
    const fromRuntime = runValidator(runtime(), value);
    const fromPrecompiled = runValidator(experimentValidator, value);
    expect(plain(fromPrecompiled)).toEqual(plain(fromRuntime));
    expect(ajvErrorsToIssues(fromPrecompiled, { data: value, locator })).toEqual(ajvErrorsToIssues(fromRuntime, { data: value, locator }));
  };

  it('accepts the valid examples, as the runtime-compiled schema does', () => {
    for (const text of [designExample, minimalExample, fullJsonExample]) {
      const value = parseDocuments(text)[0]!.value;
      expect(runValidator(experimentValidator, value)).toEqual([]);
      compare(value);
    }
  });

  it('reports the same errors (and issues) as the runtime-compiled schema for mutated experiments', () => {
    fc.assert(fc.property(mutatedExperiments(), compare), { numRuns: 300 });
  });

  it('reports the same errors for arbitrary JSON values', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), compare), { numRuns: 200 });
  });
});

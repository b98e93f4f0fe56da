import type { SpecIssue } from '@faultline/core';
import type { Locator } from '../../source/issue.js';
import { ajvErrorsToIssues } from '../ajv-issues.js';
import { runValidator, type Validator } from '../ajv.js';
import { validate } from './experiment-validator.generated.js';

/**
 * The parser's experiment schema (parserExperimentSchema) as a validator generated at build time
 * (Ajv standalone code, scripts/generate-validator.ts), so parsing compiles no schema and never builds
 * the TypeBox schema. Its errors are those of a runtime compile with the same options; the test next to
 * this file fails when the generated code is stale.
 */
export const experimentValidator: Validator = validate as Validator;

/** Located issues of `value` against the experiment structure (empty when it conforms). */
export function experimentStructureIssues(value: unknown, locator: Locator): SpecIssue[] {
  const errors = runValidator(experimentValidator, value);
  return errors.length === 0 ? [] : ajvErrorsToIssues(errors, { data: value, locator });
}

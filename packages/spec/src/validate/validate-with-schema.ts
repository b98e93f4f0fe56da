import type { SpecIssue } from '@faultline/core';
import type { TSchema } from '@sinclair/typebox';
import type { Locator } from '../source/issue.js';
import type { PathSegment } from '../source/path.js';
import { compileSchema, runValidator } from './ajv.js';
import { ajvErrorsToIssues } from './ajv-issues.js';

export interface ValidateOptions {
  /** Where `data` sits in the document; issues' paths and positions are relative to the document. */
  readonly basePath?: readonly PathSegment[];
  /** Who owns the schema, named in the error if the schema itself is broken. */
  readonly owner?: string;
}

/**
 * Validates `data` against a JSON Schema (TypeBox or plain) and returns located issues.
 * This is the building block for any Faultline file kind: parse with `parseDocuments`, then
 * `validateWithSchema(MySchema, doc.value, doc)`.
 * @throws InternalError when the schema itself does not compile (a programming error).
 */
export function validateWithSchema(schema: TSchema | object, data: unknown, locator: Locator, options: ValidateOptions = {}): SpecIssue[] {
  const validate = compileSchema(schema, options.owner ?? 'a schema');
  const errors = runValidator(validate, data);
  return errors.length === 0 ? [] : ajvErrorsToIssues(errors, { data, locator, ...(options.basePath ? { basePath: options.basePath } : {}) });
}

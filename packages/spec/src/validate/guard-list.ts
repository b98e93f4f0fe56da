import type { Registry, SpecIssue } from '@faultline/core';
import { Type } from '@sinclair/typebox';
import type { Locator } from '../source/issue.js';
import type { PathSegment } from '../source/path.js';
import { guardEntrySchema } from '../schema/experiment-schema.js';
import { CheckContext } from './check-context.js';
import { checkProbes } from './probe-checks.js';
import { validateWithSchema } from './validate-with-schema.js';

/**
 * Every issue of a list of guards that sits at `path` in a document of another file kind (a GameDay's
 * spec.guards): the experiment's guard schema, one probe kind per entry, unique names, timeout vs every,
 * and (with a registry) each probe's own parameters. Empty when the list is valid or absent.
 */
export function guardListIssues(list: unknown, locator: Locator, path: readonly PathSegment[], registry?: Registry): SpecIssue[] {
  if (list === undefined) return [];
  const structural = validateWithSchema(Type.Array(guardEntrySchema('open')), list, locator, { basePath: path, owner: 'the guard format' });
  const ctx = new CheckContext(locator, registry);
  checkProbes(ctx, [...path], list, true);
  return [...structural, ...ctx.issues];
}

import type { Registry, SpecIssue } from '@faultline/core';
import type { TSchema } from '@sinclair/typebox';
import { makeIssue, type IssueExtras, type Locator } from '../source/issue.js';
import type { PathSegment } from '../source/path.js';
import { durationMs, durationProblem } from './durations.js';
import { validateWithSchema } from './validate-with-schema.js';

/** Collects issues for the semantic checks; each helper looks before it reads. */
export class CheckContext {
  readonly issues: SpecIssue[] = [];

  constructor(
    readonly locator: Locator,
    readonly registry: Registry | undefined,
  ) {}

  add(path: readonly PathSegment[], message: string, extras: IssueExtras = {}): void {
    this.issues.push(makeIssue(this.locator, path, message, extras));
  }

  /** Milliseconds of a duration value, reporting it when out of range; undefined if absent or bad. */
  duration(path: readonly PathSegment[], value: unknown, rule: 'positive' | 'non-negative'): number | undefined {
    const ms = durationMs(value);
    if (ms === undefined) return undefined;
    const problem = durationProblem(ms, rule);
    if (problem !== undefined) {
      this.add(path, problem, { found: value });
      return undefined;
    }
    return ms;
  }

  /** Validates a kind-specific part against its provider's schema; returns how many issues it added. */
  schema(schema: TSchema, data: unknown, path: readonly PathSegment[], owner: string): number {
    const found = validateWithSchema(schema, data, this.locator, { basePath: path, owner });
    this.issues.push(...found);
    return found.length;
  }
}

import { defaultRevertPolicy, formatDuration, type Registry, type SpecIssue } from '@faultline/core';
import type { Locator } from '../source/issue.js';
import { isPlainObject, type PathSegment } from '../source/path.js';
import { CheckContext } from './check-context.js';
import { checkFaults } from './fault-checks.js';
import { checkProbes } from './probe-checks.js';
import { checkTargets } from './target-checks.js';

/**
 * Checks what a JSON Schema cannot say: one kind key per entry, names that refer to each other,
 * unique names, time windows, regexes, and (with a registry) every provider's own schema and checks.
 * Runs on possibly invalid data, so every check looks before it reads; the schema reports wrong shapes.
 */
export function semanticIssues(value: unknown, locator: Locator, registry: Registry | undefined): SpecIssue[] {
  const ctx = new CheckContext(locator, registry);
  const spec = isPlainObject(value) ? value['spec'] : undefined;
  if (!isPlainObject(spec)) return ctx.issues;
  const at = (k: string): PathSegment[] => ['spec', k];

  const holdMs = ctx.duration(at('duration'), spec['duration'], 'positive');
  ctx.duration(at('settle'), spec['settle'], 'non-negative');
  const maxMs = ctx.duration(at('maxDuration'), spec['maxDuration'], 'positive');
  if (maxMs !== undefined && holdMs !== undefined && maxMs < holdMs) {
    ctx.add(at('maxDuration'), `is shorter than duration (${String(spec['duration'])}); every run would be aborted — raise maxDuration or shorten duration`, { found: spec['maxDuration'] });
  }
  checkRevert(ctx, spec['revert']);

  const targetKinds = checkTargets(ctx, spec['targets']);
  checkProbes(ctx, at('steadyState'), spec['steadyState'], false);
  checkProbes(ctx, at('guards'), spec['guards'], true);
  checkFaults(ctx, spec['faults'], targetKinds, holdMs);
  return ctx.issues;
}

function checkRevert(ctx: CheckContext, revert: unknown): void {
  if (!isPlainObject(revert)) return;
  const p = (k: string): PathSegment[] => ['spec', 'revert', k];
  ctx.duration(p('timeout'), revert['timeout'], 'positive');
  const initial = ctx.duration(p('initialBackoff'), revert['initialBackoff'], 'positive');
  const max = ctx.duration(p('maxBackoff'), revert['maxBackoff'], 'positive');
  const maxShown = revert['maxBackoff'] === undefined ? `the default ${formatDuration(defaultRevertPolicy.maxBackoffMs)}` : String(revert['maxBackoff']);
  if (initial !== undefined && initial > (max ?? defaultRevertPolicy.maxBackoffMs)) {
    ctx.add(p('initialBackoff'), `is longer than maxBackoff (${maxShown}); make it shorter or raise maxBackoff`, { found: revert['initialBackoff'] });
  }
}

import type { TSchema } from '@sinclair/typebox';
import { isPlainObject, type PathSegment } from '../source/path.js';
import { targetFixedKeys } from '../schema/experiment-schema.js';
import type { CheckContext } from './check-context.js';
import { findKindKey } from './kind-key.js';

/** Checks spec.targets; returns each target's kind (undefined when it could not be determined). */
export function checkTargets(ctx: CheckContext, targets: unknown): Map<string, string | undefined> {
  const kinds = new Map<string, string | undefined>();
  if (!isPlainObject(targets)) return kinds;
  const known = ctx.registry ? [...ctx.registry.resolvers.keys()].sort() : undefined;
  for (const [name, entry] of Object.entries(targets)) {
    const path: PathSegment[] = ['spec', 'targets', name];
    if (!isPlainObject(entry)) {
      kinds.set(name, undefined);
      continue;
    }
    const kind = findKindKey(ctx, entry, path, { fixed: targetFixedKeys, known, what: 'target kind' });
    kinds.set(name, kind);
    const resolver = kind === undefined ? undefined : ctx.registry?.resolvers.get(kind);
    if (kind !== undefined && resolver) ctx.schema(resolver.selectorSchema as TSchema, entry[kind], [...path, kind], `the '${kind}' target selector`);
    checkMode(ctx, entry['mode'], [...path, 'mode']);
  }
  return kinds;
}

function checkMode(ctx: CheckContext, mode: unknown, path: PathSegment[]): void {
  if (!isPlainObject(mode) || typeof mode['type'] !== 'string') return;
  const type = mode['type'];
  const value = mode['value'];
  if (type === 'one' || type === 'all') {
    if (value !== undefined) ctx.add([...path, 'value'], `is not used with mode '${type}'; remove it`, { found: value });
    return;
  }
  if (value === undefined) {
    ctx.add(path, `mode '${type}' needs a value: ${type === 'fixed' ? 'how many targets (e.g. value: 2)' : 'a percent (e.g. value: 30)'}`);
    return;
  }
  if (typeof value !== 'number') return;
  if (type === 'fixed' && !Number.isInteger(value)) ctx.add([...path, 'value'], 'must be a whole number of targets', { found: value });
  if (type !== 'fixed' && value > 100) ctx.add([...path, 'value'], 'is a percent and must be at most 100', { found: value });
}

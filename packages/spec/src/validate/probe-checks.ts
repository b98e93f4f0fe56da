import type { TSchema } from '@sinclair/typebox';
import { isPlainObject, type PathSegment } from '../source/path.js';
import { guardFixedKeys, probeFixedKeys } from '../schema/experiment-schema.js';
import type { CheckContext } from './check-context.js';
import { findKindKey } from './kind-key.js';
import { checkUniqueName } from './unique-names.js';

const GUARD_ONLY = {
  every: "'every' only applies to guards; remove it, or move this probe to spec.guards",
  breachAfter: "'breachAfter' only applies to guards; remove it, or move this probe to spec.guards",
};

/** Checks spec.steadyState (guard = false) or spec.guards (guard = true). */
export function checkProbes(ctx: CheckContext, path: PathSegment[], list: unknown, guard: boolean): void {
  if (!Array.isArray(list)) return;
  const known = ctx.registry ? [...ctx.registry.probes.keys()].sort() : undefined;
  const names = new Map<string, number>();
  list.forEach((entry, i) => {
    const p: PathSegment[] = [...path, i];
    if (!isPlainObject(entry)) return;
    checkUniqueName(ctx, names, entry['name'], i, path);
    const kind = findKindKey(ctx, entry, p, {
      fixed: guard ? guardFixedKeys : probeFixedKeys,
      known,
      what: 'probe kind',
      ...(guard ? {} : { misplaced: GUARD_ONLY }),
    });
    const probe = kind === undefined ? undefined : ctx.registry?.probes.get(kind);
    if (kind !== undefined && probe) ctx.schema(probe.paramsSchema as TSchema, entry[kind], [...p, kind], `the '${kind}' probe`);
    const timeoutMs = ctx.duration([...p, 'timeout'], entry['timeout'], 'positive');
    if (guard) {
      const everyMs = ctx.duration([...p, 'every'], entry['every'], 'positive');
      if (timeoutMs !== undefined && everyMs !== undefined && timeoutMs > everyMs) {
        ctx.add([...p, 'timeout'], `is longer than every (${String(entry['every'])}); a guard must answer before its next check — lower timeout or raise every`, { found: entry['timeout'] });
      }
    }
    checkExpectation(ctx, entry['expect'], [...p, 'expect']);
  });
}

function checkExpectation(ctx: CheckContext, expect: unknown, path: PathSegment[]): void {
  if (!isPlainObject(expect)) return;
  const { matches, between, below, above } = expect;
  if (typeof matches === 'string') {
    try {
      new RegExp(matches);
    } catch (err) {
      const why = (err as Error).message.replace(/^Invalid regular expression: /, '');
      ctx.add([...path, 'matches'], `is not a valid regular expression (${why}); escape special characters such as ( [ * with a backslash`, { found: matches });
    }
  }
  if (Array.isArray(between) && typeof between[0] === 'number' && typeof between[1] === 'number' && between[0] > between[1]) {
    ctx.add([...path, 'between'], `low ${between[0]} is greater than high ${between[1]}; write [low, high]`, { found: between });
  }
  if (typeof below === 'number' && typeof above === 'number' && above >= below) {
    ctx.add(path, `can never hold: a value cannot be above ${above} and below ${below} at once`, { found: expect });
  }
  ctx.duration([...path, 'latencyBelow'], expect['latencyBelow'], 'positive');
}

import type { PathSegment } from '../source/path.js';
import type { CheckContext } from './check-context.js';

/** Reports `name` when an earlier entry of the same list (`listPath`) already uses it. */
export function checkUniqueName(ctx: CheckContext, seen: Map<string, number>, name: unknown, index: number, listPath: readonly PathSegment[]): void {
  if (typeof name !== 'string') return;
  const first = seen.get(name);
  if (first === undefined) {
    seen.set(name, index);
    return;
  }
  const listName = String(listPath[listPath.length - 1]);
  ctx.add([...listPath, index, 'name'], `name '${name}' is already used by ${listName}[${first}]; names must be unique — rename one of them`, { found: name });
}

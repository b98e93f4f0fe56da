import { didYouMean } from '../source/did-you-mean.js';
import type { PathSegment } from '../source/path.js';
import { isPlainObject } from '../source/path.js';
import type { CheckContext } from './check-context.js';

export interface KindKeyOptions {
  /** Keys the entry may have besides its kind key. */
  readonly fixed: readonly string[];
  /** Kinds the registry knows; undefined without a registry (any key is a kind). */
  readonly known: readonly string[] | undefined;
  /** 'target kind', 'probe kind'. */
  readonly what: string;
  /** Keys that belong elsewhere, with the advice to give ('every' in a steady-state probe). */
  readonly misplaced?: Readonly<Record<string, string>>;
}

/**
 * Finds the one key of a target/probe/guard entry that names its kind. Keys close to a fixed key are
 * typos; with a registry, keys it does not know are errors. Returns the kind when there is exactly
 * one and its value is a map.
 */
export function findKindKey(ctx: CheckContext, entry: Record<string, unknown>, path: readonly PathSegment[], options: KindKeyOptions): string | undefined {
  const { fixed, known, what } = options;
  const candidates: string[] = [];
  let rejected = 0;
  for (const key of Object.keys(entry)) {
    if (fixed.includes(key)) continue;
    // Object.hasOwn: a key named like an Object.prototype member ('toString') is not advice.
    const advice = options.misplaced !== undefined && Object.hasOwn(options.misplaced, key) ? options.misplaced[key] : undefined;
    if (advice !== undefined) {
      ctx.add([...path, key], advice, { atKey: true });
      rejected++;
      continue;
    }
    const typoOfFixed = didYouMean(key, fixed.filter((f) => !Object.hasOwn(entry, f)));
    if (known === undefined ? typoOfFixed !== undefined : !known.includes(key)) {
      const guess = typoOfFixed ?? didYouMean(key, known ?? []);
      const hint = guess !== undefined ? `; did you mean '${guess}'?` : `; an entry has ${fixed.join(', ')} and one ${what} key`;
      ctx.add([...path, key], `unknown key '${key}'${hint}`, { allowed: [...fixed, ...(known ?? [])], atKey: true });
      rejected++;
      continue;
    }
    candidates.push(key);
  }
  // "names no kind" right after "unknown key 'kubernets'" would only repeat the same problem.
  if (candidates.length === 0 && rejected > 0) return undefined;
  if (candidates.length === 0) {
    ctx.add(path, `names no ${what}; add one key naming it${known?.length ? `, e.g. ${known[0]}: {...}` : ''}`, { allowed: known ?? [] });
    return undefined;
  }
  if (candidates.length > 1) {
    const list = candidates.map((c) => `'${c}'`).join(', ');
    ctx.add([...path, candidates[1] as string], `has more than one ${what} (${list}); keep exactly one, or split the entry in two`, { atKey: true });
    return undefined;
  }
  const kind = candidates[0] as string;
  if (!isPlainObject(entry[kind])) {
    ctx.add([...path, kind], `expected a map with the ${what}'s parameters`, { found: entry[kind] });
    return undefined;
  }
  return kind;
}

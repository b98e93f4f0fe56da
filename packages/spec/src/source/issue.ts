import type { SpecIssue } from '@faultline/core';
import { formatPath, type PathSegment } from './path.js';

/** Line and column (both 1-based) of a place in the source text. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** Finds where a JSON path sits in the source text. Implemented by SourceDocument. */
export interface Locator {
  readonly file: string | undefined;
  /**
   * Position of the value at `path`, or of its key when `key` is set (unknown-key errors point at
   * the key). A path that does not exist resolves to its deepest existing ancestor.
   */
  locate(path: readonly PathSegment[], options?: { key?: boolean }): SourcePosition | undefined;
}

export interface IssueExtras {
  /** The offending value, shortened for printing. */
  readonly found?: unknown;
  readonly allowed?: readonly string[];
  /** Point at the key instead of the value (unknown or duplicate keys). */
  readonly atKey?: boolean;
}

const MAX_FOUND = 60;

/** Prints a value for `found`: JSON, cut to a readable length. */
export function shorten(value: unknown): string {
  let s: string;
  if (value === undefined) s = 'nothing';
  else {
    try {
      s = JSON.stringify(value) ?? String(value);
    } catch {
      // Only reachable for values that are not JSON (cycles); String() is the honest fallback.
      s = String(value);
    }
  }
  return s.length > MAX_FOUND ? `${s.slice(0, MAX_FOUND - 3)}...` : s;
}

/** Builds a located SpecIssue. */
export function makeIssue(locator: Locator, path: readonly PathSegment[], message: string, extras: IssueExtras = {}): SpecIssue {
  const pos = locator.locate(path, { key: extras.atKey ?? false });
  return {
    path: formatPath(path),
    message,
    ...(locator.file !== undefined ? { file: locator.file } : {}),
    ...(pos ? { line: pos.line, column: pos.column } : {}),
    ...('found' in extras ? { found: shorten(extras.found) } : {}),
    ...(extras.allowed && extras.allowed.length > 0 ? { allowed: extras.allowed } : {}),
  };
}

/** Sorts issues by position (unlocated last) and drops exact duplicates. */
export function sortIssues(issues: readonly SpecIssue[]): SpecIssue[] {
  const seen = new Set<string>();
  const unique = issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}\u0000${i.line ?? ''}:${i.column ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique
    .map((issue, order) => ({ issue, order }))
    .sort((a, b) => {
      const la = a.issue.line ?? Infinity;
      const lb = b.issue.line ?? Infinity;
      if (la !== lb) return la < lb ? -1 : 1;
      const ca = a.issue.column ?? Infinity;
      const cb = b.issue.column ?? Infinity;
      if (ca !== cb) return ca < cb ? -1 : 1;
      return a.order - b.order;
    })
    .map((x) => x.issue);
}

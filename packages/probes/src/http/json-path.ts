import type { Json } from '@faultline/core';

/**
 * The JSONPath subset the http probe understands — enough to pick one value out of a health or
 * status document, nothing that can match several values:
 *
 *   $                   the whole document
 *   .name               a property (letters, digits, _, $, -; not starting with a digit)
 *   ['any name']        a property whose name needs quoting (also ["..."])
 *   [0]  [-1]           an array element; negative counts from the end
 *
 * Examples: `$.status`, `$.checks[0].healthy`, `$['x-version']`, `$.items[-1].sku`.
 * Wildcards, filters, slices and recursive descent are not supported.
 */
export type JsonPathStep = { readonly key: string } | { readonly index: number };

/** Schema pattern for the subset above, so experiment files are checked before a run. */
export const JSON_PATH_PATTERN = String.raw`^\$(\.[A-Za-z_$][\w$-]*|\[-?\d+\]|\['[^']*'\]|\["[^"]*"\])*$`;

const STEP = /\.([A-Za-z_$][\w$-]*)|\[(-?\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/y;

/** Parses a path; throws RangeError saying where it stopped making sense. */
export function parseJsonPath(path: string): JsonPathStep[] {
  if (!path.startsWith('$')) throw new RangeError(`JSON path "${path}" must start with $ (e.g. $.status)`);
  const steps: JsonPathStep[] = [];
  let at = 1;
  while (at < path.length) {
    STEP.lastIndex = at;
    const m = STEP.exec(path);
    if (!m) {
      throw new RangeError(
        `JSON path "${path}" is not supported at position ${at} ("${path.slice(at)}"); use .name, ['name'] or [index], e.g. $.checks[0].healthy`,
      );
    }
    if (m[1] !== undefined) steps.push({ key: m[1] });
    else if (m[2] !== undefined) steps.push({ index: Number(m[2]) });
    else steps.push({ key: (m[3] ?? m[4]) as string });
    at = STEP.lastIndex;
  }
  return steps;
}

/** The result of following a path: found with a value, or where it stopped. */
export type JsonPathResult = { readonly found: true; readonly value: Json } | { readonly found: false; readonly missingAt: string };

function show(steps: readonly JsonPathStep[]): string {
  return '$' + steps.map((s) => ('key' in s ? (/^[A-Za-z_$][\w$-]*$/.test(s.key) ? `.${s.key}` : `['${s.key}']`) : `[${s.index}]`)).join('');
}

/** Follows `steps` through `doc`. Never throws. */
export function evaluateJsonPath(doc: Json, steps: readonly JsonPathStep[]): JsonPathResult {
  let cur: Json = doc;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] as JsonPathStep;
    let next: Json | undefined;
    if ('key' in step) {
      next = cur !== null && typeof cur === 'object' && !Array.isArray(cur) && Object.hasOwn(cur, step.key) ? cur[step.key] : undefined;
    } else if (Array.isArray(cur)) {
      next = cur[step.index < 0 ? cur.length + step.index : step.index];
    }
    if (next === undefined) return { found: false, missingAt: show(steps.slice(0, i + 1)) };
    cur = next;
  }
  return { found: true, value: cur };
}

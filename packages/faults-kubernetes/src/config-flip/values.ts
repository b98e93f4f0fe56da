import type { Json } from '@faultline/core';

/** JSON with object keys sorted, so values read back through different code paths compare equal. */
export function canonical(v: Json | undefined): string {
  const sort = (x: Json | undefined): Json | undefined => {
    if (Array.isArray(x)) return x.map((i) => sort(i) as Json);
    if (x && typeof x === 'object') return Object.fromEntries(Object.keys(x).sort().map((k) => [k, sort(x[k]) as Json]));
    return x;
  };
  return JSON.stringify(sort(v) ?? null);
}

export interface KeyConflict {
  readonly key: string;
  readonly current: Json;
  readonly injected: Json;
  readonly original: Json;
}

/** How each flipped key stands at revert time. */
export interface KeyDiff {
  /** Still what we set: write the original back. */
  readonly restored: string[];
  /** Already the original again: nothing to write. */
  readonly unchanged: string[];
  /** Neither what we set nor the original: someone else changed it; leave it and report. */
  readonly conflicts: KeyConflict[];
}

export function diffKeys(state: { original: { [k: string]: Json }; injected: { [k: string]: Json } }, current: { [k: string]: Json }): KeyDiff {
  const restored: string[] = [];
  const unchanged: string[] = [];
  const conflicts: KeyConflict[] = [];
  for (const key of Object.keys(state.original)) {
    const cur = canonical(current[key] ?? null);
    const original = state.original[key] ?? null;
    const injected = state.injected[key] ?? null;
    if (cur === canonical(injected)) restored.push(key);
    else if (cur === canonical(original)) unchanged.push(key);
    else conflicts.push({ key, current: current[key] ?? null, injected, original });
  }
  return { restored, unchanged, conflicts };
}

/** Milliseconds from `from` to `to` (ISO timestamps), never negative: clock steps must not produce negative durations. */
export function msBetween(from: string, to: string): number {
  const d = Date.parse(to) - Date.parse(from);
  return Number.isFinite(d) ? Math.max(0, d) : 0;
}

/** The later of two ISO timestamps (either may be missing). */
export function later(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/** Copies only the defined entries, so optional fields stay absent (exactOptionalPropertyTypes, clean JSON). */
export function defined<T extends Record<string, unknown>>(obj: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]: Exclude<T[K], undefined> };
}

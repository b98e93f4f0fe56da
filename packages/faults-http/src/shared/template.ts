import type { Json } from '@faultline/core';

/** Values `{{runId}}` and `{{faultName}}` in request paths, header values and bodies stand for. */
export interface TemplateVars {
  readonly runId: string;
  readonly faultName: string;
}

const PLACEHOLDER = /\{\{\s*(runId|faultName)\s*\}\}/g;

/** Fills `{{runId}}` / `{{faultName}}` in every string of `value` (object keys too); secret references are left alone. */
export function fillTemplate<T extends Json>(value: T, vars: TemplateVars): T {
  const fill = (s: string) => s.replace(PLACEHOLDER, (_m, name: 'runId' | 'faultName') => vars[name]);
  const walk = (v: Json): Json => {
    if (typeof v === 'string') return fill(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      if ('secretRef' in v) return v;
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [fill(k), walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}

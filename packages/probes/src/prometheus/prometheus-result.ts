import { ProbeError, type Json } from '@faultline/core';

export const REDUCERS = ['min', 'max', 'avg', 'sum', 'count'] as const;
export type Reducer = (typeof REDUCERS)[number];

/** The probe's answer from one instant-query result: the observed value and a line for people. */
export interface ReducedValue {
  readonly value: Json;
  readonly detail: string;
}

type Sample = [number, string];
interface VectorItem {
  metric: Record<string, string>;
  value: Sample;
}

/**
 * Prometheus sends sample values as strings, including NaN, +Inf and -Inf. JSON cannot carry
 * non-finite numbers, so ±Inf is observed as the string '+Inf'/'-Inf': numeric expectations then
 * fail (fail-safe) and the report shows what Prometheus said.
 */
function sampleValue(raw: string): number {
  if (raw === '+Inf' || raw === 'Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  return Number(raw);
}

function asJson(n: number): Json {
  return Number.isFinite(n) ? n : n > 0 ? '+Inf' : '-Inf';
}

function labels(metric: Record<string, string>): string {
  const name = metric['__name__'] ?? '';
  const rest = Object.entries(metric)
    .filter(([k]) => k !== '__name__')
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  return `${name}{${rest}}`;
}

function isSample(v: unknown): v is Sample {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'string';
}

function nanError(query: string, what: string): ProbeError {
  return new ProbeError(`prometheus query ${JSON.stringify(query)} returned NaN${what}`, {
    hint: 'NaN usually means 0/0, e.g. an error ratio while there is no traffic; guard the denominator (e.g. `or vector(0)`, `clamp_min(x, 1)`) or make sure traffic flows.',
  });
}

/**
 * Turns the `data` of a successful /api/v1/query answer into one value.
 * - scalar: its value; string: the string.
 * - vector: one series -> its value; several -> `reduce` (NaN samples are skipped by min/max/avg/sum
 *   and counted by count); several without `reduce` -> ProbeError.
 * - empty vector -> ProbeError "query returned no series" (except reduce: count, which observes 0).
 * - matrix -> ProbeError (a range query result cannot be compared).
 * Throws ProbeError with the query in the message whenever it cannot produce a value.
 */
export function reduceQueryResult(data: unknown, opts: { query: string; reduce?: Reducer }): ReducedValue {
  const { query, reduce } = opts;
  const q = JSON.stringify(query);
  const d = data as { resultType?: unknown; result?: unknown } | null;
  const type = d?.resultType;
  if (type === 'scalar' || type === 'string') {
    if (!isSample(d?.result)) throw new ProbeError(`prometheus answered a malformed ${type} for query ${q}`);
    if (type === 'string') return { value: d.result[1], detail: `string ${JSON.stringify(d.result[1])}` };
    const n = sampleValue(d.result[1]);
    if (Number.isNaN(n)) throw nanError(query, '');
    return { value: asJson(n), detail: `scalar ${d.result[1]}` };
  }
  if (type === 'matrix') {
    throw new ProbeError(`prometheus query ${q} returned a range vector (matrix), which cannot be compared to a threshold`, {
      hint: 'Use an instant vector: wrap the range selector in a function such as rate(...[1m]), max_over_time(...[1m]) or last_over_time(...[1m]).',
    });
  }
  if (type !== 'vector' || !Array.isArray(d?.result)) {
    throw new ProbeError(`prometheus answered an unknown result type ${JSON.stringify(type)} for query ${q}`);
  }
  const items = d.result as VectorItem[];
  if (!items.every((i) => i && typeof i.metric === 'object' && isSample(i.value))) {
    throw new ProbeError(`prometheus answered a malformed vector for query ${q}`);
  }
  if (items.length === 0) {
    if (reduce === 'count') return { value: 0, detail: 'empty vector counted as 0' };
    throw new ProbeError(`prometheus query returned no series: ${query}`, {
      hint: 'Check the metric and label names (are the targets scraped yet?); to treat "no series" as 0, append `or vector(0)` or use reduce: count.',
    });
  }
  if (items.length === 1 && reduce === undefined) {
    const only = items[0] as VectorItem;
    const n = sampleValue(only.value[1]);
    if (Number.isNaN(n)) throw nanError(query, ` for ${labels(only.metric)}`);
    return { value: asJson(n), detail: `vector of 1 series ${labels(only.metric)} = ${only.value[1]}` };
  }
  if (reduce === undefined) {
    const shown = items.slice(0, 3).map((i) => labels(i.metric)).join(', ');
    throw new ProbeError(
      `prometheus query ${q} returned ${items.length} series (${shown}${items.length > 3 ? ', ...' : ''}) and no reduce was given`,
      { hint: 'Set reduce: min|max|avg|sum|count on the probe, or aggregate in PromQL, e.g. sum(...) or max by () (...).' },
    );
  }
  if (reduce === 'count') return { value: items.length, detail: `vector of ${items.length} series reduced by count = ${items.length}` };
  const values = items.map((i) => sampleValue(i.value[1]));
  const numbers = values.filter((v) => !Number.isNaN(v));
  const nanNote = numbers.length < values.length ? ` (${values.length - numbers.length} NaN series skipped)` : '';
  if (numbers.length === 0) throw nanError(query, ` for all ${values.length} series`);
  let result: number;
  switch (reduce) {
    case 'min':
      result = Math.min(...numbers);
      break;
    case 'max':
      result = Math.max(...numbers);
      break;
    case 'sum':
      result = numbers.reduce((a, b) => a + b, 0);
      break;
    case 'avg':
      result = numbers.reduce((a, b) => a + b, 0) / numbers.length;
      break;
  }
  // +Inf + -Inf is NaN: say so rather than observing a number nobody asked for.
  if (Number.isNaN(result)) throw nanError(query, ` after reducing by ${reduce} (mixed +Inf and -Inf)`);
  return { value: asJson(result), detail: `vector of ${items.length} series reduced by ${reduce} = ${String(asJson(result))}${nanNote}` };
}

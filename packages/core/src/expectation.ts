import type { Json } from './json.js';

/** What a probe must observe. Every set field must hold. */
export interface Expectation {
  readonly below?: number;
  readonly above?: number;
  /** Inclusive [low, high]. */
  readonly between?: readonly [number, number];
  readonly equals?: Json;
  readonly in?: readonly Json[];
  /** A regular expression the value (as a string) must match. */
  readonly matches?: string;
  /** HTTP status, or a list of allowed statuses. */
  readonly status?: number | readonly number[];
  readonly latencyBelowMs?: number;
}

/** What a probe saw. `value` is what below/above/equals/... test. */
export interface Observation {
  readonly value: Json;
  readonly status?: number;
  readonly latencyMs?: number;
  /** Short context for people: 'GET http://... -> 200 in 12ms', 'vector of 3 series reduced by max'. */
  readonly detail?: string;
}

export interface ExpectationCheck {
  readonly ok: boolean;
  /** Human summary of the expectation: 'below 0.01', 'status 200 and latency below 1s'. */
  readonly expected: string;
  /** One line: why it passed or failed. */
  readonly reason: string;
}

function fmt(v: Json | undefined): string {
  const s = JSON.stringify(v);
  return s === undefined ? 'nothing' : s.length > 80 ? s.slice(0, 77) + '...' : s;
}

function asNumber(v: Json): number | undefined {
  if (typeof v === 'number' && !Number.isNaN(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

function deepEqual(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b) || (asNumber(a) !== undefined && typeof b === 'number' && asNumber(a) === b);
}

/** Describes an expectation for people: 'below 0.01, status 200'. */
export function describeExpectation(e: Expectation): string {
  const parts: string[] = [];
  if (e.below !== undefined) parts.push(`below ${e.below}`);
  if (e.above !== undefined) parts.push(`above ${e.above}`);
  if (e.between) parts.push(`between ${e.between[0]} and ${e.between[1]}`);
  if (e.equals !== undefined) parts.push(`equals ${fmt(e.equals)}`);
  if (e.in) parts.push(`one of ${fmt(e.in as Json[])}`);
  if (e.matches !== undefined) parts.push(`matches /${e.matches}/`);
  if (e.status !== undefined) parts.push(`status ${Array.isArray(e.status) ? e.status.join('|') : e.status}`);
  if (e.latencyBelowMs !== undefined) parts.push(`latency below ${e.latencyBelowMs}ms`);
  return parts.length ? parts.join(', ') : 'anything (no expectation set)';
}

/** Checks an observation against an expectation. Pure; the first failing clause is the reason. */
export function checkExpectation(obs: Observation, e: Expectation): ExpectationCheck {
  const expected = describeExpectation(e);
  const fail = (reason: string): ExpectationCheck => ({ ok: false, expected, reason });
  const n = asNumber(obs.value);
  const needNumber = (what: string): ExpectationCheck | undefined =>
    n === undefined ? fail(`expected a number to compare (${what}) but observed ${fmt(obs.value)}`) : undefined;

  if (e.status !== undefined) {
    const allowed = Array.isArray(e.status) ? e.status : [e.status];
    if (obs.status === undefined) return fail(`expected status ${allowed.join('|')} but no status was observed`);
    if (!allowed.includes(obs.status)) return fail(`status ${obs.status}, expected ${allowed.join('|')}`);
  }
  if (e.latencyBelowMs !== undefined) {
    if (obs.latencyMs === undefined) return fail('expected a latency but none was observed');
    if (!(obs.latencyMs < e.latencyBelowMs)) return fail(`latency ${Math.round(obs.latencyMs)}ms, expected below ${e.latencyBelowMs}ms`);
  }
  if (e.below !== undefined) {
    const bad = needNumber(`below ${e.below}`);
    if (bad) return bad;
    if (!((n as number) < e.below)) return fail(`${n} is not below ${e.below}`);
  }
  if (e.above !== undefined) {
    const bad = needNumber(`above ${e.above}`);
    if (bad) return bad;
    if (!((n as number) > e.above)) return fail(`${n} is not above ${e.above}`);
  }
  if (e.between) {
    const bad = needNumber(`between ${e.between[0]} and ${e.between[1]}`);
    if (bad) return bad;
    if ((n as number) < e.between[0] || (n as number) > e.between[1]) return fail(`${n} is not between ${e.between[0]} and ${e.between[1]}`);
  }
  if (e.equals !== undefined && !deepEqual(obs.value, e.equals)) return fail(`${fmt(obs.value)} does not equal ${fmt(e.equals)}`);
  if (e.in && !e.in.some((x) => deepEqual(obs.value, x))) return fail(`${fmt(obs.value)} is not one of ${fmt(e.in as Json[])}`);
  if (e.matches !== undefined) {
    const text = typeof obs.value === 'string' ? obs.value : JSON.stringify(obs.value);
    if (!new RegExp(e.matches).test(text)) return fail(`${fmt(obs.value)} does not match /${e.matches}/`);
  }
  const shown = obs.status !== undefined && obs.value === null ? `status ${obs.status}` : fmt(obs.value);
  return { ok: true, expected, reason: `${shown}${obs.latencyMs !== undefined ? ` in ${Math.round(obs.latencyMs)}ms` : ''} is ${expected}` };
}

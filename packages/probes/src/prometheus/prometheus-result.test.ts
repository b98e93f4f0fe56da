import { describe, expect, it } from 'vitest';
import { ProbeError } from '@faultline/core';
import { reduceQueryResult } from './prometheus-result.js';

const series = (labels: Record<string, string>, v: string) => ({ metric: { __name__: 'up', ...labels }, value: [1700000000.1, v] });
const vector = (...vals: string[]) => ({ resultType: 'vector', result: vals.map((v, i) => series({ instance: `i${i}` }, v)) });

describe('reduceQueryResult', () => {
  it('reads scalars and strings', () => {
    expect(reduceQueryResult({ resultType: 'scalar', result: [1, '0.25'] }, { query: 'q' })).toEqual({ value: 0.25, detail: 'scalar 0.25' });
    expect(reduceQueryResult({ resultType: 'string', result: [1, 'hi'] }, { query: 'q' }).value).toBe('hi');
  });

  it('reads a single series without reduce', () => {
    expect(reduceQueryResult(vector('3'), { query: 'q' })).toEqual({ value: 3, detail: 'vector of 1 series up{instance="i0"} = 3' });
  });

  it.each([
    ['min', 1],
    ['max', 5],
    ['sum', 9],
    ['avg', 3],
    ['count', 3],
  ] as const)('reduces by %s', (reduce, expected) => {
    const r = reduceQueryResult(vector('1', '5', '3'), { query: 'q', reduce });
    expect(r.value).toBe(expected);
    expect(r.detail).toBe(`vector of 3 series reduced by ${reduce} = ${expected}`);
  });

  it('refuses several series without reduce and says how to fix it', () => {
    const err = (() => {
      try {
        reduceQueryResult(vector('1', '2', '3', '4'), { query: 'up' });
      } catch (e) {
        return e as ProbeError;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ProbeError);
    expect(err?.message).toBe('prometheus query "up" returned 4 series (up{instance="i0"}, up{instance="i1"}, up{instance="i2"}, ...) and no reduce was given');
    expect(err?.hint).toMatch(/reduce: min\|max\|avg\|sum\|count/);
  });

  it('cannot evaluate an empty vector, except as a count', () => {
    expect(() => reduceQueryResult(vector(), { query: 'sum(errors_total)' })).toThrow('prometheus query returned no series: sum(errors_total)');
    expect(() => reduceQueryResult(vector(), { query: 'q', reduce: 'max' })).toThrow(/no series/);
    expect(reduceQueryResult(vector(), { query: 'q', reduce: 'count' }).value).toBe(0);
  });

  it('handles NaN: fails alone, skipped when reducing, counted by count', () => {
    expect(() => reduceQueryResult({ resultType: 'scalar', result: [1, 'NaN'] }, { query: 'a/b' })).toThrow(/returned NaN/);
    expect(() => reduceQueryResult(vector('NaN'), { query: 'a/b' })).toThrow(/returned NaN for up\{instance="i0"\}/);
    expect(reduceQueryResult(vector('NaN', '2', '4'), { query: 'q', reduce: 'avg' })).toEqual({
      value: 3,
      detail: 'vector of 3 series reduced by avg = 3 (1 NaN series skipped)',
    });
    expect(reduceQueryResult(vector('NaN', 'NaN'), { query: 'q', reduce: 'count' }).value).toBe(2);
    expect(() => reduceQueryResult(vector('NaN', 'NaN'), { query: 'q', reduce: 'max' })).toThrow(/NaN for all 2 series/);
  });

  it('keeps infinities as strings that fail numeric expectations', () => {
    expect(reduceQueryResult({ resultType: 'scalar', result: [1, '+Inf'] }, { query: 'q' }).value).toBe('+Inf');
    expect(reduceQueryResult(vector('1', '+Inf'), { query: 'q', reduce: 'max' }).value).toBe('+Inf');
    expect(reduceQueryResult(vector('1', '-Inf'), { query: 'q', reduce: 'min' }).value).toBe('-Inf');
    expect(() => reduceQueryResult(vector('+Inf', '-Inf'), { query: 'q', reduce: 'sum' })).toThrow(/mixed \+Inf and -Inf/);
  });

  it('refuses range vectors and malformed data', () => {
    expect(() => reduceQueryResult({ resultType: 'matrix', result: [] }, { query: 'up[1m]' })).toThrow(/range vector .* cannot be compared/);
    expect(() => reduceQueryResult({ resultType: 'vector', result: [{ metric: {} }] }, { query: 'q' })).toThrow(/malformed vector/);
    expect(() => reduceQueryResult(null, { query: 'q' })).toThrow(/unknown result type/);
  });
});

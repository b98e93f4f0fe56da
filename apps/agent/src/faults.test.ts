import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BadRequest, parseApplyRequest, parseRenewRequest } from './faults.js';

const valid = {
  id: 'rabcdefghijkl/f/c012a0ec5447', runId: 'rabcdefghijkl', faultName: 'f', kind: 'partition',
  containerId: 'containerd://c012a0ec544733e8d4231fa11ac1558bbee42d35976d818a543af504087ddb6e', params: { destinations: ['10.0.0.5'] }, leaseMs: 15_000,
};

describe('agent request bodies', () => {
  it('accepts a valid apply and lists every problem of a bad one', () => {
    expect(parseApplyRequest(valid)).toEqual(valid);
    const err = (() => { try { parseApplyRequest({ ...valid, leaseMs: 10, kind: 'nope' }); } catch (e) { return e; } })() as BadRequest;
    expect(err).toBeInstanceOf(BadRequest);
    expect(err.problems.join()).toMatch(/leaseMs/);
    expect(() => parseApplyRequest({ ...valid, params: { destinations: ['300.0.0.1'] } })).toThrow(/destinations\/0/);
    expect(() => parseApplyRequest({ ...valid, kind: 'latency', params: { latency: '5ms', jitter: '9ms' } })).toThrow(/jitter/);
    expect(parseRenewRequest({ leaseMs: 5000 })).toEqual({ leaseMs: 5000 });
  });

  it('fuzz: any JSON value either parses to a valid request or throws BadRequest, never anything else', () => {
    fc.assert(fc.property(fc.oneof(fc.jsonValue(), fc.record({ ...Object.fromEntries(Object.entries(valid).map(([k, v]) => [k, fc.oneof(fc.constant(v), fc.jsonValue())])) })), (body) => {
      try {
        const r = parseApplyRequest(body);
        expect(typeof r.id).toBe('string');
      } catch (e) {
        expect(e).toBeInstanceOf(BadRequest);
      }
    }), { seed: 20, numRuns: 500 });
  });
});

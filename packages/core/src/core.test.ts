import { describe, expect, it } from 'vitest';
import {
  withTimeout, TimeoutError,
  assertTransition, canTransition, checkExpectation, IllegalTransitionError, parseDuration, runStates, selectTargets,
  seededRandom, transitions, artefactName, parseArtefactName, newRunId, formatDuration, parseRate, parseSize,
} from './index.js';

describe('run state machine', () => {
  it('has exits for every non-terminal state and none for terminal ones', () => {
    for (const s of runStates) {
      const exits = transitions[s] as readonly string[];
      if (['completed', 'deviated', 'aborted', 'failed'].includes(s)) expect(exits).toEqual([]);
      else expect(exits.length).toBeGreaterThan(0);
    }
  });
  it('never lets an injected run skip reverting', () => {
    for (const to of transitions.injecting) expect(['holding', 'reverting']).toContain(to);
    expect(transitions.holding).toEqual(['reverting']);
  });
  it('rejects illegal moves with a typed error', () => {
    expect(() => assertTransition('holding', 'completed')).toThrow(IllegalTransitionError);
    expect(canTransition('reverting', 'checking-after')).toBe(true);
  });
});

describe('units', () => {
  it.each([['250ms', 250], ['30s', 30_000], ['2m', 120_000], ['1h', 3_600_000], ['1.5s', 1500], ['500us', 0.5]])('%s', (t, ms) => {
    expect(parseDuration(t)).toBe(ms);
  });
  it('rejects durations without units', () => expect(() => parseDuration('300')).toThrow(/unit/));
  it('formats', () => expect([formatDuration(0), formatDuration(850), formatDuration(12_500), formatDuration(125_000)]).toEqual(['0ms', '850ms', '12.5s', '2m 05s']));
  it('sizes and rates', () => expect([parseSize('64KB'), parseRate('1MiB/s')]).toEqual([64_000, 1_048_576]));
});

describe('target selection', () => {
  const c = Array.from({ length: 10 }, (_, i) => ({ id: `t${i}` }));
  it('is reproducible with a seed', () => {
    const a = selectTargets(c, { type: 'fixed', value: 3 }, seededRandom(7));
    expect(a).toHaveLength(3);
    expect(selectTargets(c, { type: 'fixed', value: 3 }, seededRandom(7))).toEqual(a);
  });
  it('honours percent modes', () => {
    expect(selectTargets(c, { type: 'fixed-percent', value: 30 })).toHaveLength(3);
    for (let s = 0; s < 20; s++) expect(selectTargets(c, { type: 'random-max-percent', value: 50 }, seededRandom(s)).length).toBeLessThanOrEqual(5);
    expect(selectTargets(c, { type: 'one' })).toHaveLength(1);
    expect(selectTargets(c, { type: 'all' })).toHaveLength(10);
  });
});

describe('artefact names', () => {
  it('round-trip run id and fault name', () => {
    const runId = newRunId();
    expect(parseArtefactName(artefactName(runId, 'slow-redis'))).toEqual({ runId, faultName: 'slow-redis' });
    expect(parseArtefactName('latency_downstream')).toBeUndefined();
  });
});

describe('expectations', () => {
  it('explain failures in one line', () => {
    expect(checkExpectation({ value: 0.02 }, { below: 0.01 })).toMatchObject({ ok: false, reason: '0.02 is not below 0.01' });
    expect(checkExpectation({ value: null, status: 503, latencyMs: 5 }, { status: 200 }).reason).toBe('status 503, expected 200');
    expect(checkExpectation({ value: 'ok', status: 200, latencyMs: 12 }, { status: [200, 204], latencyBelowMs: 100, matches: '^ok$' }).ok).toBe(true);
    expect(checkExpectation({ value: 'abc' }, { below: 1 }).reason).toMatch(/expected a number/);
  });
});

describe('withTimeout', () => {
  it('rejects at once when the parent signal was already aborted, even if fn ignores its signal', async () => {
    const parent = new AbortController();
    parent.abort(new Error('stop'));
    await expect(withTimeout('x', 10_000, () => new Promise((r) => setTimeout(r, 50, 'late')), parent.signal)).rejects.toThrow('stop');
  });
  it('rejects with a TimeoutError naming the call', async () => {
    await expect(withTimeout('GET /slow', 10, () => new Promise(() => undefined))).rejects.toBeInstanceOf(TimeoutError);
  });
});

import { redactSecrets } from './index.js';
describe('redactSecrets', () => {
  it('removes credentials but keeps everything else', () => {
    const input = {
      prometheus: { url: 'https://bob:hunter2@prom.example/api', query: 'up', bearerToken: 'abc', basicAuth: { username: 'bob', password: 'x' } },
      http: { url: 'http://127.0.0.1/health', headers: { Authorization: 'Bearer xyz', 'X-Api-Key': 'k', accept: 'json' } },
      expect: { below: 1 },
    };
    const out = redactSecrets(input) as any;
    expect(out.prometheus).toEqual({ url: 'https://[redacted]@prom.example/api', query: 'up', bearerToken: '[redacted]', basicAuth: { username: 'bob', password: '[redacted]' } });
    expect(out.http.headers).toEqual({ Authorization: '[redacted]', 'X-Api-Key': '[redacted]', accept: 'json' });
    expect(out.expect).toEqual({ below: 1 });
    expect(JSON.stringify(out)).not.toMatch(/hunter2|"abc"|xyz|"x"/);
  });

  it('keeps keys named like Object.prototype members as keys, never as the prototype', () => {
    const input = JSON.parse('{"__proto__": {"password": "p", "polluted": 1}, "constructor": {"token": "t"}, "toString": "x"}') as { [k: string]: any };
    const out = redactSecrets(input) as { [k: string]: any };
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(out['__proto__']).toEqual({ password: '[redacted]', polluted: 1 });
    expect(out['constructor']).toEqual({ token: '[redacted]' });
    expect(out['toString']).toBe('x');
    expect(({} as { [k: string]: unknown })['polluted']).toBeUndefined();
  });
});

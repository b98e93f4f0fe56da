import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FUZZ_SEED, fuzzSeed, reportWithReproduceHint } from './fuzz.js';

describe('deterministic fuzzing', () => {
  it('reads FAULTLINE_FUZZ_SEED: unset = the fixed CI seed, an integer, or random; anything else is an error that says what to write', () => {
    expect(fuzzSeed({})).toBe(DEFAULT_FUZZ_SEED);
    expect(fuzzSeed({ FAULTLINE_FUZZ_SEED: '' })).toBe(DEFAULT_FUZZ_SEED);
    expect(fuzzSeed({ FAULTLINE_FUZZ_SEED: '-42' })).toBe(-42);
    expect(Number.isInteger(fuzzSeed({ FAULTLINE_FUZZ_SEED: 'random' }))).toBe(true);
    expect(() => fuzzSeed({ FAULTLINE_FUZZ_SEED: 'twelve' })).toThrow(/neither an integer .* nor "random"/);
    expect(() => fuzzSeed({ FAULTLINE_FUZZ_SEED: '1e99' })).toThrow(/FAULTLINE_FUZZ_SEED=1e99/);
  });

  it('the setup file configured this worker: the global seed is the one FAULTLINE_FUZZ_SEED names', () => {
    const global = fc.readConfigureGlobal();
    if (process.env['FAULTLINE_FUZZ_SEED'] === undefined) expect(global.seed).toBe(DEFAULT_FUZZ_SEED);
    expect(global.reporter).toBe(reportWithReproduceHint);
    // Same seed, same cases: what CI checked is what a developer replays.
    expect(fc.sample(fc.string(), 20)).toEqual(fc.sample(fc.string(), 20));
  });

  it('a failing property reports its seed and path, how to reproduce it, and keeps the original error', () => {
    let error: Error | undefined;
    try {
      fc.assert(fc.property(fc.integer(), (n) => {
        if (n > 1000) throw new Error(`too big: ${n}`);
      }), { seed: 7 });
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toMatch(/seed: 7, path: "[\d:]+"/);
    expect(error?.message).toMatch(/Counterexample: \[1001\]/);
    expect(error?.message).toMatch(/Reproduce: FAULTLINE_FUZZ_SEED=7 npx vitest run/);
    expect(error?.message).toMatch(/Regression case: pass \{ seed: 7, path: "[\d:]+", endOnFailure: true \}/);
    expect((error?.cause as Error | undefined)?.message).toBe('too big: 1001');
  });

  it('async properties report the same way', async () => {
    const failing = fc.assert(fc.asyncProperty(fc.nat(), async (n) => {
      if (n > 10) throw new Error('no');
    }), { seed: 11 });
    await expect(failing).rejects.toThrow(/Reproduce: FAULTLINE_FUZZ_SEED=11/);
  });
});

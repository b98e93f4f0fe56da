import { describe, expect, it } from 'vitest';
import { crashTrial, type TrialResult } from './test-support/crash-trial.js';

/*
 * The bounded, seeded CI subset of the crash-torture suite (issue 14): SIGKILL of a real CLI or controller
 * process at a seeded random point (inject, hold, revert, anywhere), then recovery. Every trial must end
 * with no toxic left on the embedded proxy and the run in an honest terminal state. The full 200 trials
 * are `npm run bench -- crash` (bench/crash/run.ts). CRASH_TRIALS / CRASH_SEED override the defaults.
 */
const trials = Number(process.env.CRASH_TRIALS ?? 30);
const seed = Number(process.env.CRASH_SEED ?? 14);
// One controller trial in five: each needs two controller processes.
const hostOf = (i: number): 'cli' | 'controller' => (i % 5 === 4 ? 'controller' : 'cli');

describe('crash torture (seeded CI subset)', () => {
  it(`${trials} trials, seed ${seed}: 0 leftover faults, every run in an honest terminal state`, { timeout: 60_000 + trials * 120_000 }, async () => {
    const results: TrialResult[] = [];
    for (let i = 0; i < trials; i++) results.push(await crashTrial(i, seed, hostOf(i)));
    const worst = Math.max(...results.map((r) => r.timeToCleanMs));
    console.log(`crash torture: ${results.length} trials, ${results.filter((r) => r.ok).length} clean, worst time to clean ${worst} ms`);
    for (const r of results) console.log(`  #${r.trial} ${r.host} kill@${r.point} (journal: ${r.killedIn}) -> ${r.finalState}, ${r.leftoverToxics} left, ${r.timeToCleanMs} ms${r.problem ? `  PROBLEM: ${r.problem}` : ''}`);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.reduce((n, r) => n + r.leftoverToxics, 0)).toBe(0);
  });
});

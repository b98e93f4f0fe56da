import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyBackend, type CrashBackend } from './test-support/crash-backends.js';
import { crashTrial, type TrialResult } from './test-support/crash-trial.js';

/*
 * The bounded, seeded CI subset of the crash-torture suite (issue 14) on the embedded proxy: SIGKILL of a
 * real CLI or controller process at a seeded random point (inject, hold, revert, anywhere), then recovery.
 * Every trial must end with no toxic left, the run in an honest terminal state and a true reason. Docker and
 * the Kubernetes stand-in: crash-torture-backends.e2e.test.ts. The full suite: `npm run bench -- crash`.
 * CRASH_TRIALS / CRASH_SEED override the defaults.
 */
const trials = Number(process.env.CRASH_TRIALS ?? 30);
const seed = Number(process.env.CRASH_SEED ?? 14);
// One controller trial in five: each needs two controller processes.
const hostOf = (i: number): 'cli' | 'controller' => (i % 5 === 4 ? 'controller' : 'cli');

let backend: CrashBackend;
beforeAll(async () => {
  backend = await proxyBackend();
});
afterAll(() => backend.close());

describe('crash torture (seeded CI subset, embedded proxy)', () => {
  it(`${trials} trials, seed ${seed}: 0 leftover faults, every run in an honest terminal state with a true reason`, { timeout: 60_000 + trials * 120_000 }, async () => {
    const results: TrialResult[] = [];
    for (let i = 0; i < trials; i++) results.push(await crashTrial(i, seed, hostOf(i), backend));
    const worst = Math.max(...results.map((r) => r.timeToCleanMs));
    console.log(`crash torture: ${results.length} trials, ${results.filter((r) => r.ok).length} clean, worst time to clean ${worst} ms`);
    for (const r of results) console.log(`  #${r.trial} ${r.host} kill@${r.point} (journal: ${r.killedIn}) -> ${r.finalState}, ${r.leftovers.length} left, ${r.timeToCleanMs} ms${r.problem ? `  PROBLEM: ${r.problem}` : ''}`);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.flatMap((r) => r.leftovers)).toEqual([]);
  });
});

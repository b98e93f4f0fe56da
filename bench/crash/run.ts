// Crash torture (issue 14): SIGKILL a real CLI or controller process at a seeded random point of a run
// (inject, hold, revert, anywhere), then recover (`faultline recover`, or adoption by a live replica).
// Counts leftover faults and dishonest end states, and times each recovery. CRASH_TRIALS (default 200),
// CRASH_SEED (default 14). Every fourth-of-five trial uses two controller processes on one SQLite store.
import { crashTrial, type TrialResult } from '../../apps/cli/src/test-support/crash-trial.js';
import { percentile, table } from '../lib.js';

const trials = Number(process.env.CRASH_TRIALS ?? 200);
const seed = Number(process.env.CRASH_SEED ?? 14);
const results: TrialResult[] = [];
const started = performance.now();
for (let i = 0; i < trials; i++) {
  const r = await crashTrial(i, seed, i % 5 === 4 ? 'controller' : 'cli');
  results.push(r);
  if (!r.ok) console.error(`trial ${i} (${r.host}, kill@${r.point}): ${r.problem}`);
}
const groups = new Map<string, TrialResult[]>();
for (const r of results) groups.set(`${r.host} | kill while ${r.point}`, [...(groups.get(`${r.host} | kill while ${r.point}`) ?? []), r]);
const row = (name: string, rs: TrialResult[]) => [
  name, rs.length, rs.filter((r) => r.ok).length, rs.reduce((n, r) => n + r.leftoverToxics, 0),
  rs.filter((r) => !['aborted', 'failed', 'completed', 'deviated', 'never-created'].includes(r.finalState)).length,
  percentile(rs.map((r) => r.timeToCleanMs), 50), Math.max(...rs.map((r) => r.timeToCleanMs)),
];
console.log(`seed ${seed}, ${trials} trials, ${Math.round((performance.now() - started) / 1000)} s`);
console.log(table(['host | kill point', 'trials', 'clean', 'leftover faults', 'not terminal', 'p50 ms to clean', 'worst ms to clean'],
  [...[...groups.entries()].sort().map(([k, rs]) => row(k, rs)), row('all', results)]));
const states = new Map<string, number>();
for (const r of results) states.set(r.finalState, (states.get(r.finalState) ?? 0) + 1);
console.log(`final states: ${[...states.entries()].map(([s, n]) => `${s} ${n}`).join(', ')}`);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;

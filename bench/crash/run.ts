// Crash torture (issue 14): SIGKILL a real CLI or controller process at a seeded random point of a run
// (inject, hold, revert, anywhere) against the embedded proxy, real Docker containers and the Kubernetes
// stand-in, then recover (`faultline recover`, or adoption by a live replica). Counts faults left behind
// and dishonest end states or reasons, and times each recovery. CRASH_TRIALS (default 200), CRASH_SEED
// (default 14), CRASH_FIRST (first trial index, default 0), CRASH_BACKENDS (default proxy,docker,kubernetes), CRASH_MINUTES (stop starting trials after
// this many minutes; default none). Trial i uses backend i mod n; one trial in five uses two controller
// processes on one SQLite store.
import os from 'node:os';
import { startBackend, type BackendName, type CrashBackend } from '../../apps/cli/src/test-support/crash-backends.js';
import { crashTrial, type TrialResult } from '../../apps/cli/src/test-support/crash-trial.js';
import { percentile, table } from '../lib.js';

const trials = Number(process.env.CRASH_TRIALS ?? 200);
// Index of the first trial: a second run with CRASH_FIRST=<trials done> continues the same seeded sequence.
const first = Number(process.env.CRASH_FIRST ?? 0);
const seed = Number(process.env.CRASH_SEED ?? 14);
const minutes = Number(process.env.CRASH_MINUTES ?? Infinity);
const wanted = (process.env.CRASH_BACKENDS ?? 'proxy,docker,kubernetes').split(',') as BackendName[];
const backends: CrashBackend[] = [];
for (const name of wanted) {
  const b = await startBackend(name);
  if ('unavailable' in b) console.warn(`*** backend ${name} skipped: ${b.unavailable} ***`);
  else backends.push(b);
}
const loads: number[] = [os.loadavg()[0]!];
const results: TrialResult[] = [];
const started = performance.now();
try {
  for (let i = first; i < trials; i++) {
    if ((performance.now() - started) / 60_000 > minutes) {
      console.warn(`stopping before trial ${i} (${i - first} run): CRASH_MINUTES=${minutes} reached`);
      break;
    }
    const r = await crashTrial(i, seed, i % 5 === 4 ? 'controller' : 'cli', backends[i % backends.length]!);
    results.push(r);
    loads.push(os.loadavg()[0]!);
    console.error(`#${i} ${r.backend}/${r.host} kill@${r.point} (${r.killedIn}) -> ${r.finalState} ${r.timeToCleanMs} ms${r.problem ? ` PROBLEM: ${r.problem}` : ''}`);
  }
} finally {
  for (const b of backends) await b.close();
}
const key = (r: TrialResult) => `${r.backend} | ${r.host} | kill while ${r.point}`;
const groups = new Map<string, TrialResult[]>();
for (const r of results) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
const row = (name: string, rs: TrialResult[]) => [
  name, rs.length, rs.filter((r) => r.ok).length, rs.reduce((n, r) => n + r.leftovers.length, 0),
  rs.filter((r) => !['aborted', 'failed', 'completed', 'deviated', 'never-created'].includes(r.finalState)).length,
  `${rs.filter((r) => r.reasonChecked && !r.problem).length}/${rs.filter((r) => r.reasonChecked).length}`,
  percentile(rs.map((r) => r.timeToCleanMs), 50), percentile(rs.map((r) => r.timeToCleanMs), 99), Math.max(...rs.map((r) => r.timeToCleanMs)),
];
const perBackend = [...new Set(results.map((r) => r.backend))].map((b) => row(`${b} (all)`, results.filter((r) => r.backend === b)));
console.log(`seed ${seed}, ${results.length} trials, ${Math.round((performance.now() - started) / 1000)} s, load average (1 min) ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`);
console.log(table(['backend | host | kill point', 'trials', 'clean', 'faults left', 'not terminal', 'reasons true/checked', 'p50 ms', 'p99 ms', 'worst ms'],
  [...[...groups.entries()].sort().map(([k, rs]) => row(k, rs)), ...perBackend, row('all', results)]));
const states = new Map<string, number>();
for (const r of results) states.set(r.finalState, (states.get(r.finalState) ?? 0) + 1);
console.log(`final states: ${[...states.entries()].map(([s, n]) => `${s} ${n}`).join(', ')}`);
for (const r of results.filter((x) => !x.ok)) console.log(`FAILED #${r.trial} ${key(r)}: ${r.problem}`);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;

// Longer randomized fuzzing than CI's fixed-seed property tests: the spec parser, the proxy API's
// bodies and the controller's JSON bodies, each with many more runs and fresh random seeds.
// Run: npm run bench -- fuzz   (or: npx tsx --conditions=@faultline/source bench/fuzz/run.ts [--factor 10] [--rounds 2] [--only spec])
// FAULTLINE_FUZZ_SEED=<n> replays one seed in every target. Bounded: at most --minutes per target round (default 1).
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { fuzzSeed, reproduceHint } from '@faultline/testing/fuzz';
import { startProxyServer } from '@faultline/proxy';
import { specFuzzTargets } from '../../packages/spec/src/test/fuzz-targets.js';
import { proxyApiFuzzProperty } from '../../packages/proxy/src/testing/fuzz-target.js';
import { controllerBodyFuzzProperty, startFuzzApp } from '../../apps/controller/src/test-support/fuzz-bodies.js';
import { table } from '../lib.js';

const { values: args } = parseArgs({
  options: { only: { type: 'string' }, factor: { type: 'string', default: '10' }, rounds: { type: 'string', default: '2' }, minutes: { type: 'string', default: '1' } },
});
const factor = Number(args.factor);
const rounds = Number(args.rounds);
const limitMs = Number(args.minutes) * 60_000;

interface Target {
  name: string;
  /** The fixed-seed test that runs the same property (where a regression case goes). */
  testFile: string;
  numRuns: number;
  run(params: fc.Parameters<any>): Promise<fc.RunDetails<any>>;
}

const proxy = await startProxyServer({ port: 0 });
await proxy.proxies.create({ name: 'fuzz', upstream: '127.0.0.1:9' });
await proxy.proxies.addToxic('fuzz', { type: 'latency' });
const controller = await startFuzzApp();

const targets: Target[] = [
  ...specFuzzTargets().map((t): Target => ({
    name: t.name, testFile: 'packages/spec/src/experiment/fuzz.test.ts', numRuns: t.numRuns,
    run: async (params) => fc.check(t.property, params) as fc.RunDetails<any>,
  })),
  { name: 'proxy API bodies', testFile: 'packages/proxy/src/http/fuzz.test.ts', numRuns: 300, run: (params) => fc.check(proxyApiFuzzProperty(proxy.url), params) },
  { name: 'controller bodies', testFile: 'apps/controller/src/routes.test.ts', numRuns: 200, run: (params) => fc.check(controllerBodyFuzzProperty(controller), params) },
];

const rows: (string | number)[][] = [];
const failures: string[] = [];
try {
  for (const target of targets.filter((t) => args.only === undefined || t.name.includes(args.only))) {
    for (let round = 0; round < rounds; round++) {
      // Round 0 honours FAULTLINE_FUZZ_SEED (replay); the other rounds always draw a fresh seed.
      const seed = process.env['FAULTLINE_FUZZ_SEED'] && round === 0 ? fuzzSeed() : fuzzSeed({ FAULTLINE_FUZZ_SEED: 'random' });
      const started = performance.now();
      const details = await target.run({ seed, numRuns: target.numRuns * factor, interruptAfterTimeLimit: limitMs, markInterruptAsFailure: false });
      const seconds = (performance.now() - started) / 1000;
      rows.push([target.name, details.numRuns, seed, details.failed ? 1 : 0, `${seconds.toFixed(1)} s${details.interrupted ? ' (time limit)' : ''}`]);
      if (details.failed) {
        failures.push([
          `### ${target.name} (seed ${seed})`,
          fc.defaultReportMessage(details) ?? '',
          reproduceHint(details, `npx vitest run ${target.testFile}   (same property, CI's run count)`),
          `Replay here: FAULTLINE_FUZZ_SEED=${seed} npm run bench -- fuzz`,
          `Turn it into a fixed-seed regression case in ${target.testFile}: a test that calls fc.assert(<the same property>, { seed: ${seed}, path: ${JSON.stringify(details.counterexamplePath)}, endOnFailure: true }),`,
          'or (better) the counterexample above as a plain input, then fix the bug.',
        ].join('\n'));
      }
    }
  }
} finally {
  await controller.close();
  await proxy.close();
}

console.log(table(['target', 'runs', 'seed', 'failures', 'time'], rows));
console.log(`\n${rows.length} rounds, ${factor}x CI's runs each, random seeds; ${failures.length} failed.`);
for (const f of failures) console.log(`\n${f}`);
process.exitCode = failures.length ? 1 : 0;

/**
 * CLI start-up and proxy memory, side by side with `node -e 0` in one run (bounded, < 60 s).
 *
 *   npx tsc -b && npx tsx bench/startup/run.ts        (measures the built CLI: apps/cli/bin/faultline.js)
 *
 * 1. Wall time (median of ROUNDS, the commands alternating so load swings hit all of them alike), CPU
 *    time (user + system) and peak resident memory of `node -e 0`, `faultline --help` and
 *    `faultline validate experiments/quickstart.yaml`; ratios against `node -e 0`.
 * 2. `faultline proxy` with one idle proxy: resident memory read from /proc/<pid>/status (VmRSS).
 * BENCH_COMPARE_BIN=<another checkout>/apps/cli/bin/faultline.js adds that build's `validate` as a row of
 * the same alternating run (e.g. the commit before a change), so a before/after is measured side by side.
 * Peak memory and CPU come from each child's own process.resourceUsage() at exit (a preloaded module
 * writes them to a file), so they are the OS's numbers for that process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { table } from '../lib.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = path.join(root, 'apps/cli/bin/faultline.js');
const dir = mkdtempSync(path.join(tmpdir(), 'faultline-bench-startup-'));
const usageFile = path.join(dir, 'usage.json');
const preload = path.join(dir, 'usage.mjs');
writeFileSync(preload, `import { writeFileSync } from 'node:fs';
process.on('exit', () => {
  const u = process.resourceUsage();
  writeFileSync(${JSON.stringify(usageFile)}, JSON.stringify({ maxRssKb: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }));
});
`);

interface Sample { wallMs: number; cpuMs: number; maxRssKb: number }
const commands: Array<{ name: string; args: string[] }> = [
  { name: '`node -e 0`', args: ['-e', '0'] },
  { name: '`faultline --help`', args: [bin, '--help'] },
  { name: '`faultline validate experiments/quickstart.yaml`', args: [bin, 'validate', 'experiments/quickstart.yaml'] },
  ...(process.env.BENCH_COMPARE_BIN
    ? [{ name: `the same, ${path.relative(root, process.env.BENCH_COMPARE_BIN) || process.env.BENCH_COMPARE_BIN} (BENCH_COMPARE_BIN)`, args: [process.env.BENCH_COMPARE_BIN, 'validate', path.join(root, 'experiments/quickstart.yaml')] }]
    : []),
];

function runOnce(args: string[]): Sample {
  rmSync(usageFile, { force: true });
  const start = performance.now();
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(preload).href, ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } });
  const wallMs = performance.now() - start;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${String(r.stderr)}`);
  const u = JSON.parse(readFileSync(usageFile, 'utf8')) as { maxRssKb: number; cpuMs: number };
  return { wallMs, ...u };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const load0 = loadavg()[0] ?? 0;
const samples = commands.map(() => [] as Sample[]);
for (const c of commands) runOnce(c.args); // warm the file cache
for (let round = 0; round < ROUNDS; round++) commands.forEach((c, i) => samples[i]!.push(runOnce(c.args)));
const base = { wall: median(samples[0]!.map((s) => s.wallMs)), cpu: median(samples[0]!.map((s) => s.cpuMs)) };
const rows = commands.map((c, i) => {
  const wall = median(samples[i]!.map((s) => s.wallMs));
  const cpu = median(samples[i]!.map((s) => s.cpuMs));
  const rss = median(samples[i]!.map((s) => s.maxRssKb)) / 1024;
  return [c.name, Math.round(wall), (wall / base.wall).toFixed(2), Math.round(cpu), (cpu / base.cpu).toFixed(2), rss.toFixed(0)];
});

/** Starts `faultline proxy`, creates one proxy through its API, then reads VmRSS of the idle process. */
async function proxyRssMb(): Promise<{ rssMb: number; nodeRssMb: number }> {
  const port = 20000 + (process.pid % 20000);
  const child = spawn(process.execPath, [bin, 'proxy', '--port', String(port)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('faultline proxy did not start within 20 s')), 20_000);
      child.stdout.on('data', (d: Buffer) => {
        if (String(d).includes('faultline proxy')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`faultline proxy exited ${code}`)));
    });
    const res = await fetch(`http://127.0.0.1:${port}/proxies`, {
      method: 'POST',
      body: JSON.stringify({ name: 'idle', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' }),
      signal: AbortSignal.timeout(5_000),
    });
    if (!res.ok) throw new Error(`creating a proxy failed: ${res.status}`);
    await new Promise((r) => setTimeout(r, 1000)); // idle for a second: start-up garbage may be collected
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return { rssMb: kb / 1024, nodeRssMb: median(samples[0]!.map((s) => s.maxRssKb)) / 1024 };
  } finally {
    child.kill('SIGTERM');
  }
}

const proxy = process.platform === 'linux' ? await proxyRssMb() : undefined;
rmSync(dir, { recursive: true, force: true });

console.log(`\nCLI start-up (built CLI, median of ${ROUNDS} alternating runs; load average ${load0.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end, ${cpus().length} cores)\n`);
console.log(table(['command', 'wall ms', '× node -e 0', 'CPU ms', 'CPU × node -e 0', 'peak RSS MB'], rows));
if (proxy) {
  console.log('\n`faultline proxy` with one idle proxy\n');
  console.log(table(['what', 'resident MB'], [
    ['`faultline proxy`, one idle proxy (VmRSS)', proxy.rssMb.toFixed(0)],
    ['`node -e 0` (peak)', proxy.nodeRssMb.toFixed(0)],
  ]));
}

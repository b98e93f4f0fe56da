// Pod-kill throughput against the Kubernetes API stand-in running in its own process (like a real API
// server): resolve 1,000 pods by label selector and delete them all through kubernetes.pod-kill with
// bounded concurrency. Bounded: fixed work, a 60 s overall deadline, and the stand-in process is stopped.
// Run: npx tsx --conditions=@faultline/source bench/kubernetes/run.ts [--pods 1000] [--concurrency 16]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { silentLogger, type FaultProvider, type Target } from '@faultline/core';
import { kubernetesPlugin } from '@faultline/faults-kubernetes';

const { values } = parseArgs({ options: { pods: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '16' } } });
const pods = Number(values.pods);
const concurrency = Number(values.concurrency);
const GOAL_MS = 2_000;
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Stats {
  requests: Array<{ verb: string; resource: string; status: number }>;
  maxInFlight: number;
  pods: number;
}

const server = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/fixtures/kube-stand-in/serve.ts'), '--pods', String(pods)], {
  stdio: ['pipe', 'pipe', 'inherit'], cwd: root,
});
const deadline = setTimeout(() => {
  console.error('bench: 60 s deadline passed, stopping');
  server.kill('SIGTERM');
  process.exit(2);
}, 60_000);
try {
  const [line] = (await once(createInterface(server.stdout), 'line')) as [string];
  const { url, kubeconfigPath } = JSON.parse(line) as { url: string; kubeconfigPath: string };
  const stats = async (): Promise<Stats> => (await fetch(`${url}/_stand-in/stats`, { signal: AbortSignal.timeout(5_000) })).json() as Promise<Stats>;

  const plugin = kubernetesPlugin({ kubeconfigPath, maxConcurrency: concurrency, timeoutMs: 10_000 });
  const ctx = { signal: AbortSignal.timeout(50_000), log: silentLogger, timeoutMs: 10_000 };
  const resolver = plugin.resolvers![0]!;
  const kill = plugin.faults!.find((f) => f.type === 'kubernetes.pod-kill') as FaultProvider<{ gracePeriod?: string }>;

  const t0 = performance.now();
  const targets: Target[] = await resolver.resolve({ kind: 'Pod', namespace: 'bench', selector: 'app=web,shard in (0,1,2,3)' }, ctx);
  const t1 = performance.now();
  await Promise.all(targets.map((t) => kill.inject(t, {}, { ...ctx, runId: 'rbench0000000', faultName: 'kill' })));
  const t2 = performance.now();
  let s = await stats();
  for (let i = 0; i < 100 && s.pods > 0; i++) {
    await new Promise((r) => setTimeout(r, 100)); // pods leave after their (scaled) grace period
    s = await stats();
  }

  const client = plugin.api().stats;
  const deletes = s.requests.filter((r) => r.verb === 'delete');
  const rows: Array<[string, string]> = [
    ['pods selected', String(targets.length)],
    ['configured concurrency', String(concurrency)],
    ['select (get ns + paged list)', `${(t1 - t0).toFixed(0)} ms`],
    ['delete all', `${(t2 - t1).toFixed(0)} ms`],
    ['total', `${(t2 - t0).toFixed(0)} ms (goal < ${GOAL_MS} ms)`],
    ['API calls (client)', String(client.calls)],
    ['API calls (server saw)', String(s.requests.length)],
    ['deletes answered 200', `${deletes.filter((d) => d.status === 200).length} / ${deletes.length}`],
    ['pods left after grace', String(s.pods)],
    ['max in flight (client limiter)', String(client.maxInFlight)],
    ['max in flight (server, incl. stats call)', String(s.maxInFlight)],
    ['deletes per second', ((targets.length / (t2 - t1)) * 1000).toFixed(0)],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(`| ${'metric'.padEnd(w)} | value |\n|${'-'.repeat(w + 2)}|-------|`);
  for (const [k, v] of rows) console.log(`| ${k.padEnd(w)} | ${v} |`);
  // Correctness (every pod killed, concurrency bound kept) fails the run; the time goal is reported, since
  // wall time on shared CI machines says more about the machine than the code.
  const correct = targets.length === pods && s.pods === 0 && deletes.length === pods && client.maxInFlight <= concurrency;
  const fast = t2 - t0 < GOAL_MS;
  console.log(`\n${correct ? 'PASS' : 'FAIL'}: ${correct ? 'all pods killed within the concurrency bound' : 'pods missed or concurrency bound exceeded'}; time goal ${fast ? 'met' : 'missed'} (${(t2 - t0).toFixed(0)} ms)`);
  process.exitCode = correct ? 0 : 1;
  plugin.api().close();
} finally {
  clearTimeout(deadline);
  server.stdin.end();
  server.kill('SIGTERM');
  await once(server, 'exit');
}

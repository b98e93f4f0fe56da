// Pod-kill throughput against the Kubernetes API stand-in: resolve 1,000 pods by label selector and delete
// them all through kubernetes.pod-kill with bounded concurrency. Bounded: fixed work, exits by itself.
// Run: npx tsx bench/kubernetes/run.ts [--pods 1000] [--concurrency 16]
import { parseArgs } from 'node:util';
import { silentLogger, type FaultProvider, type Target } from '@faultline/core';
import { kubernetesPlugin } from '@faultline/faults-kubernetes';
import { startKubeStandIn } from '../../test/fixtures/kube-stand-in/index.js';

const { values } = parseArgs({ options: { pods: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '16' } } });
const pods = Number(values.pods);
const concurrency = Number(values.concurrency);
const GOAL_MS = 2_000;

const kube = await startKubeStandIn();
try {
  kube.seed(Array.from({ length: pods }, (_, i) => ({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: `web-${String(i).padStart(5, '0')}`, namespace: 'bench', labels: { app: 'web', shard: String(i % 4) } },
    spec: { containers: [{ name: 'c', image: 'x' }], terminationGracePeriodSeconds: 30 },
  })));
  const plugin = kubernetesPlugin({ kubeconfigPath: kube.kubeconfigPath, maxConcurrency: concurrency, timeoutMs: 10_000 });
  const ctx = { signal: AbortSignal.timeout(60_000), log: silentLogger, timeoutMs: 10_000 };
  const resolver = plugin.resolvers![0]!;
  const kill = plugin.faults!.find((f) => f.type === 'kubernetes.pod-kill') as FaultProvider<{ gracePeriod?: string }>;

  const t0 = performance.now();
  const targets: Target[] = await resolver.resolve({ kind: 'Pod', namespace: 'bench', selector: 'app=web,shard in (0,1,2,3)' }, ctx);
  const t1 = performance.now();
  await Promise.all(targets.map((t) => kill.inject(t, {}, { ...ctx, runId: 'rbench0000000', faultName: 'kill' })));
  const t2 = performance.now();
  await kube.waitFor('every pod gone after its (scaled) grace period', () => kube.list('v1', 'Pod', 'bench').length === 0, 30_000);

  const stats = plugin.api().stats;
  const deletes = kube.requests.filter((r) => r.verb === 'delete');
  const rows: Array<[string, string]> = [
    ['pods selected', String(targets.length)],
    ['configured concurrency', String(concurrency)],
    ['select (get ns + paged list)', `${(t1 - t0).toFixed(0)} ms`],
    ['delete all', `${(t2 - t1).toFixed(0)} ms`],
    ['total', `${(t2 - t0).toFixed(0)} ms (goal < ${GOAL_MS} ms)`],
    ['API calls (client)', String(stats.calls)],
    ['API calls (server saw)', String(kube.requests.length)],
    ['deletes answered 200', `${deletes.filter((d) => d.status === 200).length} / ${deletes.length}`],
    ['max in flight (client limiter)', String(stats.maxInFlight)],
    ['max in flight (server)', String(kube.load.maxInFlight)],
    ['deletes per second', ((targets.length / (t2 - t1)) * 1000).toFixed(0)],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(`| ${'metric'.padEnd(w)} | value |\n|${'-'.repeat(w + 2)}|-------|`);
  for (const [k, v] of rows) console.log(`| ${k.padEnd(w)} | ${v} |`);
  const ok = targets.length === pods && t2 - t0 < GOAL_MS && stats.maxInFlight <= concurrency && kube.load.maxInFlight <= concurrency;
  console.log(ok ? '\nPASS' : '\nFAIL: goal missed (time, count or concurrency bound)');
  process.exitCode = ok ? 0 : 1;
} finally {
  await kube.close();
}

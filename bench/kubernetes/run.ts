// Kill 1,000 pods, side by side against the same API server (the Kubernetes stand-in in its own process):
//   bare      — a plain HTTP client (keep-alive, 16 sockets): one list by label selector, then 1,000 DELETEs
//               (uid precondition, as Faultline sends) at concurrency 16. The floor: what the API server allows.
//   faultline — the engine running kubernetes.pod-kill mode all: plan (the list), then the inject phase with
//               every target journaled write-ahead to disk (FileJournal, group commit) and concurrency 16.
// Rounds alternate bare / faultline on fresh namespaces of 1,000 pods each, so machine load hits both alike.
// Bounded: a 5-minute deadline; the stand-in process is stopped and the journal directory removed.
// Run: npx tsx --conditions=@faultline/source bench/kubernetes/run.ts [--pods 1000] [--concurrency 16] [--rounds 2]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRegistry, type JournalEvent } from '@faultline/core';
import { Engine, FileJournal } from '@faultline/engine';
import { kubernetesPlugin } from '@faultline/faults-kubernetes';
import { parseExperiment } from '@faultline/spec';
import { table } from '../lib.js';

const { values } = parseArgs({ options: { pods: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '16' }, rounds: { type: 'string', default: '2' } } });
const pods = Number(values.pods);
const concurrency = Number(values.concurrency);
const rounds = Number(values.rounds);
const GOAL_RATIO = 1.2;
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const namespaces = Array.from({ length: rounds * 2 }, (_, i) => `bench-${i}`);

const server = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/fixtures/kube-stand-in/serve.ts'), '--pods', String(pods), '--namespace', namespaces.join(',')], {
  stdio: ['pipe', 'pipe', 'inherit'], cwd: root,
});
const deadline = setTimeout(() => {
  console.error('bench: 5-minute deadline passed, stopping');
  server.kill('SIGTERM');
  process.exit(2);
}, 300_000);
const stateDir = await mkdtemp(join(tmpdir(), 'faultline-bench-k8s-'));

interface Timing { selectMs: number; deleteMs: number; deleted: number; syncs?: number; appends?: number }

/** A bare client: the least any tool has to do to delete these pods through this API server. */
async function bareLoop(url: string, token: string, namespace: string): Promise<Timing> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const call = (method: string, path: string, body?: string) => new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(`${url}${path}`, {
      method, agent, headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) },
      signal: AbortSignal.timeout(10_000),
    }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
  const t0 = performance.now();
  const list = await call('GET', `/api/v1/namespaces/${namespace}/pods?labelSelector=app%3Dweb`);
  const items = (JSON.parse(list.text) as { items: Array<{ metadata: { name: string; uid: string } }> }).items;
  const t1 = performance.now();
  let next = 0;
  let deleted = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const { name, uid } = items[next++]!.metadata;
      const res = await call('DELETE', `/api/v1/namespaces/${namespace}/pods/${name}`, JSON.stringify({ preconditions: { uid } }));
      if (res.status === 200) deleted++;
    }
  }));
  const t2 = performance.now();
  agent.destroy();
  return { selectMs: t1 - t0, deleteMs: t2 - t1, deleted };
}

/** Faultline's engine, as `faultline run` drives it: plan, then the inject phase, journaled to disk. */
async function faultlineRun(kubeconfigPath: string, namespace: string): Promise<Timing> {
  const plugin = kubernetesPlugin({ kubeconfigPath, maxConcurrency: concurrency, timeoutMs: 10_000 });
  const registry = createRegistry([plugin]);
  const experiment = parseExperiment(`apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: bench-kill-all }
spec:
  duration: 1ms
  targets:
    web: { kubernetes: { kind: Pod, namespace: ${namespace}, selector: app=web }, mode: { type: all } }
  faults:
    - { name: kill, type: kubernetes.pod-kill, target: web }
`, { file: 'bench', registry, env: {} });
  const journal = new FileJournal(stateDir);
  const at = new Map<string, number>();
  let deleted = 0;
  const engine = new Engine({
    registry, journal,
    onEvent: (e: JournalEvent) => {
      if (e.type === 'transition') at.set(e.to, performance.now());
      if (e.type === 'fault-injected') deleted++;
    },
  });
  const result = await engine.start(experiment).done;
  if (result.outcome !== 'completed') throw new Error(`faultline run ended ${result.outcome}: ${result.reason}`);
  plugin.api().close();
  await journal.close();
  return {
    selectMs: at.get('checking-before')! - at.get('planning')!,
    deleteMs: at.get('holding')! - at.get('injecting')!,
    deleted, syncs: journal.stats.syncs, appends: journal.stats.appends,
  };
}

try {
  const [line] = (await once(createInterface(server.stdout), 'line')) as [string];
  const { url, kubeconfigPath } = JSON.parse(line) as { url: string; kubeconfigPath: string };
  const token = /token: (\S+)/.exec(await readFile(kubeconfigPath, 'utf8'))![1]!;
  const rows: (string | number)[][] = [];
  const ratios: number[] = [];
  let correct = true;
  for (let r = 0; r < rounds; r++) {
    const bare = await bareLoop(url, token, namespaces[2 * r]!);
    const fl = await faultlineRun(kubeconfigPath, namespaces[2 * r + 1]!);
    correct &&= bare.deleted === pods && fl.deleted === pods;
    const ratio = fl.deleteMs / bare.deleteMs;
    ratios.push(ratio);
    rows.push([r + 1, 'bare list + delete', bare.selectMs.toFixed(0), bare.deleteMs.toFixed(0), (bare.selectMs + bare.deleteMs).toFixed(0), bare.deleted, '—', '']);
    rows.push([r + 1, 'faultline plan + inject', fl.selectMs.toFixed(0), fl.deleteMs.toFixed(0), (fl.selectMs + fl.deleteMs).toFixed(0), fl.deleted,
      `${fl.syncs} for ${fl.appends} events`, `${ratio.toFixed(2)}× (total ${((fl.selectMs + fl.deleteMs) / (bare.selectMs + bare.deleteMs)).toFixed(2)}×)`]);
  }
  console.log(`${pods} pods, concurrency ${concurrency}, keep-alive; stand-in in its own process; load average ${(await readFile('/proc/loadavg', 'utf8').catch(() => '?')).split(' ')[0]}\n`);
  console.log(table(['round', 'client', 'list ms', 'delete / inject ms', 'total ms', 'deleted', 'journal fsyncs', 'inject ÷ bare delete'], rows));
  const median = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!;
  console.log(`\n${correct ? 'PASS' : 'FAIL'}: ${correct ? 'every pod deleted by both clients' : 'pods missed'}; inject phase ÷ bare loop: ${ratios.map((x) => x.toFixed(2)).join(', ')}; median ${median.toFixed(2)} (goal ≤ ${GOAL_RATIO}: ${median <= GOAL_RATIO ? 'met' : 'missed'})`);
  process.exitCode = correct ? 0 : 1;
} finally {
  clearTimeout(deadline);
  server.stdin.end();
  server.kill('SIGTERM');
  await once(server, 'exit');
  await rm(stateDir, { recursive: true, force: true });
}

// Pause N containers, side by side against the same Docker engine:
//   bare      — a plain HTTP client on the engine socket (keep-alive, 16 sockets): list by label, then
//               POST /containers/{id}/pause for each at concurrency 16 (then unpause, untimed).
//   faultline — the engine running docker.pause mode all: plan (the list), then the inject phase (inspect,
//               undo record, pause per container) journaled write-ahead to disk, concurrency 16; then revert.
// The same containers serve both clients; rounds alternate. Containers are busybox from scripts/docker-env.sh
// (faultline/busybox:test), labelled with this run's id, and all removed at the end, whatever happens.
// Run: npx tsx --conditions=@faultline/source bench/docker/run.ts [--containers 200] [--concurrency 16] [--rounds 2]
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRegistry, type JournalEvent } from '@faultline/core';
import { Engine, FileJournal } from '@faultline/engine';
import { dockerPlugin } from '@faultline/faults-docker';
import { parseExperiment } from '@faultline/spec';
import { table } from '../lib.js';

const { values } = parseArgs({ options: { containers: { type: 'string', default: '200' }, concurrency: { type: 'string', default: '16' }, rounds: { type: 'string', default: '2' } } });
const count = Number(values.containers);
const concurrency = Number(values.concurrency);
const rounds = Number(values.rounds);
const IMAGE = 'faultline/busybox:test';
const socketPath = (process.env.DOCKER_HOST?.startsWith('unix://') ? process.env.DOCKER_HOST.slice('unix://'.length) : undefined) ?? '/var/run/docker.sock';
const benchId = `fb${randomBytes(3).toString('hex')}`;
const label = `faultline.bench=${benchId}`;
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

function docker(method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<{ status: number; json: unknown }> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request({
      socketPath, path: `/v1.41${path}`, method, agent, signal: AbortSignal.timeout(timeoutMs),
      headers: text ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } : {},
    }, (res) => {
      let data = '';
      res.setEncoding('utf8').on('data', (d: string) => (data += d)).on('end', () => {
        let json: unknown = data;
        try {
          json = data ? JSON.parse(data) : undefined;
        } catch { /* plain-text error bodies stay text */ }
        resolve({ status: res.statusCode ?? 0, json });
      });
    });
    req.on('error', reject);
    req.end(text);
  });
}

async function pool<T>(items: readonly T[], fn: (item: T) => Promise<void>, width = concurrency): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

const listIds = async () => ((await docker('GET', `/containers/json?filters=${encodeURIComponent(JSON.stringify({ label: [label] }))}`)).json as Array<{ Id: string }>).map((c) => c.Id);
const pausedCount = async () => ((await docker('GET', `/containers/json?filters=${encodeURIComponent(JSON.stringify({ label: [label], status: ['paused'] }))}`)).json as unknown[]).length;

async function createContainers(): Promise<number> {
  let made = 0;
  await pool(Array.from({ length: count }, (_, i) => i), async (i) => {
    const created = await docker('POST', `/containers/create?name=${benchId}-${i}`, {
      Image: IMAGE, Cmd: ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'], Labels: { 'faultline.bench': benchId },
      HostConfig: { NetworkMode: 'none', Memory: 16 * 1024 * 1024 },
    }, 120_000);
    if (created.status !== 201) throw new Error(`creating container ${i} failed (${created.status}): ${JSON.stringify(created.json)}`);
    const started = await docker('POST', `/containers/${(created.json as { Id: string }).Id}/start`, undefined, 120_000);
    if (started.status !== 204) throw new Error(`starting container ${i} failed (${started.status}): ${JSON.stringify(started.json)}`);
    made++;
  }, 8); // set-up, not measured: gentle on a shared engine
  return made;
}

/** Removes every container this run labelled; retries until none is left (a slow engine may time out calls). */
async function removeContainers(): Promise<number> {
  let removed = 0;
  for (let attempt = 1; attempt <= 5; attempt++) {
    const listed = await docker('GET', `/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ label: [label] }))}`, undefined, 120_000).catch(() => undefined);
    const all = listed ? (listed.json as Array<{ Id: string }>).map((c) => c.Id) : undefined;
    if (all?.length === 0) return removed;
    await pool(all ?? [], async (id) => {
      await docker('POST', `/containers/${id}/unpause`, undefined, 120_000).catch(() => undefined);
      const res = await docker('DELETE', `/containers/${id}?force=1&v=1`, undefined, 120_000).catch(() => undefined);
      if (res?.status === 204) removed++;
    }, 4);
  }
  throw new Error(`containers labelled ${label} are left; remove them with: docker rm -f $(docker ps -aq --filter label=${label})`);
}

interface Timing { listMs: number; pauseMs: number; paused: number; syncs?: number; appends?: number }

async function bareLoop(): Promise<Timing> {
  const t0 = performance.now();
  const ids = await listIds();
  const t1 = performance.now();
  let paused = 0;
  await pool(ids, async (id) => {
    if ((await docker('POST', `/containers/${id}/pause`)).status === 204) paused++;
  });
  const t2 = performance.now();
  const check = await pausedCount();
  await pool(ids, async (id) => void (await docker('POST', `/containers/${id}/unpause`)));
  return { listMs: t1 - t0, pauseMs: t2 - t1, paused: Math.min(paused, check) };
}

async function faultlineRun(stateDir: string): Promise<Timing> {
  const registry = createRegistry([dockerPlugin({ timeoutMs: 30_000 })]);
  const experiment = parseExperiment(`apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: bench-pause-all }
spec:
  duration: 1ms
  targets:
    boxes: { docker: { labels: { faultline.bench: ${benchId} } }, mode: { type: all } }
  faults:
    - { name: freeze, type: docker.pause, target: boxes }
`, { file: 'bench', registry, env: {} });
  const journal = new FileJournal(stateDir);
  const at = new Map<string, number>();
  let paused = 0;
  let pausedAtHold = 0;
  const engine = new Engine({
    registry, journal,
    onEvent: (e: JournalEvent) => {
      if (e.type === 'transition') at.set(e.to, performance.now());
      if (e.type === 'fault-injected') paused++;
      if (e.type === 'transition' && e.to === 'holding') void pausedCount().then((n) => (pausedAtHold = n));
    },
  });
  const result = await engine.start(experiment, { callTimeoutMs: 30_000 }).done;
  await journal.close();
  if (result.outcome !== 'completed') throw new Error(`faultline run ended ${result.outcome}: ${result.reason}`);
  if ((await pausedCount()) !== 0) throw new Error('faultline left containers paused');
  return {
    listMs: at.get('checking-before')! - at.get('planning')!,
    pauseMs: at.get('holding')! - at.get('injecting')!,
    paused: Math.min(paused, pausedAtHold || paused), syncs: journal.stats.syncs, appends: journal.stats.appends,
  };
}

const stopEarly = (why: string) => {
  console.error(`bench: ${why}; removing containers and stopping`);
  void removeContainers().finally(() => process.exit(2));
};
const deadline = setTimeout(() => stopEarly('15-minute deadline passed'), 900_000);
process.once('SIGINT', () => stopEarly('SIGINT'));
process.once('SIGTERM', () => stopEarly('SIGTERM'));
const stateDir = await mkdtemp(join(tmpdir(), 'faultline-bench-docker-'));
let made = 0;
try {
  const tc = performance.now();
  made = await createContainers();
  const createdMs = performance.now() - tc;
  const rows: (string | number)[][] = [];
  const ratios: number[] = [];
  let correct = true;
  for (let r = 0; r < rounds; r++) {
    const bare = await bareLoop();
    const fl = await faultlineRun(stateDir);
    correct &&= bare.paused === made && fl.paused === made;
    const ratio = fl.pauseMs / bare.pauseMs;
    ratios.push(ratio);
    rows.push([r + 1, 'bare list + pause', bare.listMs.toFixed(0), bare.pauseMs.toFixed(0), bare.paused, '—', '']);
    rows.push([r + 1, 'faultline plan + inject', fl.listMs.toFixed(0), fl.pauseMs.toFixed(0), fl.paused, `${fl.syncs} for ${fl.appends} events`, `${ratio.toFixed(2)}×`]);
  }
  console.log(`${made} busybox containers (${IMAGE}, created and started in ${(createdMs / 1000).toFixed(1)} s), concurrency ${concurrency}; load average ${(await readFile('/proc/loadavg', 'utf8').catch(() => '?')).split(' ')[0]}\n`);
  console.log(table(['round', 'client', 'list ms', 'pause / inject ms', 'paused', 'journal fsyncs', 'inject ÷ bare pause'], rows));
  console.log(`\n${correct ? 'PASS' : 'FAIL'}: ${correct ? `all ${made} containers paused by both clients and unpaused after` : 'containers missed'}; inject phase ÷ bare loop: ${ratios.map((x) => x.toFixed(2)).join(', ')}`);
  process.exitCode = correct ? 0 : 1;
} finally {
  clearTimeout(deadline);
  const removed = await removeContainers();
  console.log(`cleanup: removed ${removed} container(s) labelled ${label}`);
  agent.destroy();
  await rm(stateDir, { recursive: true, force: true });
}

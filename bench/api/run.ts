// Controller API throughput and the CPU cost of many held runs.
// Run: npx tsx --conditions=@faultline/source bench/api/run.ts   (bounded: ~1 min)
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { startController } from '@faultline/controller';
import { FakeBackend, fakePlugin } from '@faultline/testing';
import { cpuPercent, table } from '../lib.js';

const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-bench-api-'));
const backend = new FakeBackend();
backend.addTargets(1);
const controller = await startController({ port: 0, database: path.join(dir, 'bench.db'), plugins: [fakePlugin(backend)], rateLimitPerMinute: false, scheduler: false });
const token = (await controller.store.createToken({ name: 'bench', scopes: ['admin'] })).secret;
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const definition = (duration: string, name = 'bench') => `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: ${name} }
spec:
  duration: ${duration}
  targets: { things: { fake: {} } }
  faults: [{ name: hold, type: fake.break, target: things }]
`;
const body = JSON.stringify({ definition: definition('50ms') });
const first = (await (await fetch(`${controller.url}/v1/runs`, { method: 'POST', headers: { ...headers, 'idempotency-key': 'bench-key' }, body })).json()) as { run: { runId: string } };

async function load(title: string, opts: autocannon.Options) {
  const r = await autocannon({ connections: 20, duration: 8, ...opts });
  return [title, Math.round(r.requests.average), r.latency.p50, r.latency.p99, r.non2xx, r.errors];
}
// BENCH_API_QUICK=1: only the request table (skips the 1,000 held runs).
const rows = [
  await load('GET /v1/runs/:id', { url: `${controller.url}/v1/runs/${first.run.runId}`, headers }),
  await load('POST /v1/runs (same Idempotency-Key)', { url: `${controller.url}/v1/runs`, method: 'POST', headers: { ...headers, 'idempotency-key': 'bench-key' }, body }),
  await load('GET /healthz', { url: `${controller.url}/healthz` }),
];
// Load generator and controller share this process (and the machine): /healthz, the cheapest route, is
// the yardstick measured in the same run, so the ratio says more than req/s on a busy machine.
const healthz = rows[2]?.[1] as number;
const withRatio = rows.map((r) => [...r.slice(0, 2), ((r[1] as number) / healthz).toFixed(2), ...r.slice(2)]);
console.log(`\ncontroller API (SQLite store, 20 connections, 8 s each; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, ${os.cpus().length} cores)\n`);
console.log(table(['request', 'req/s', '× /healthz', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'], withRatio));

if (process.env.BENCH_API_QUICK) {
  await controller.close();
  await rm(dir, { recursive: true, force: true });
  process.exit(0);
}

// 1,000 runs holding a fault at once: start them, then measure the controller's CPU while they hold.
const started: string[] = [];
for (let i = 0; i < 1000; i++) {
  const res = await fetch(`${controller.url}/v1/runs`, { method: 'POST', headers, body: JSON.stringify({ definition: definition('10m', `held-${i}`) }) });
  started.push(((await res.json()) as { run: { runId: string } }).run.runId);
}
while (backend.active.size < 1000) await new Promise((r) => setTimeout(r, 50));
const idle = await cpuPercent(() => new Promise((r) => setTimeout(r, 10_000)));
const halt = await cpuPercent(async () => {
  await fetch(`${controller.url}/v1/halt`, { method: 'POST', headers, body: JSON.stringify({ reason: 'bench' }) });
  await controller.runHost.abortAll('bench over', 'halt');
});
console.log(`\n1,000 concurrent held runs\n`);
console.log(table(['what', 'value'], [
  ['runs holding a fault', backend.active.size === 0 ? 1000 : backend.active.size],
  ['controller CPU while holding (% of one core, 10 s)', idle.cpuPercent],
  ['halt: abort + revert all 1,000 runs (ms)', Math.round(halt.wallMs)],
  ['faults left after halt', backend.active.size],
]));
await controller.close();
await rm(dir, { recursive: true, force: true });

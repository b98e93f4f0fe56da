// Time from a guard breach being observed to every fault reverted, on the embedded proxy, and the CPU
// cost of many guards. Run: npx tsx --conditions=@faultline/source bench/abort/run.ts  (bounded, ~1 min)
import { fork } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRegistry, type Experiment } from '@faultline/core';
import { Engine, FileJournal } from '@faultline/engine';
import { toxiproxyPlugin } from '@faultline/faults-toxiproxy';
import { probesPlugin } from '@faultline/probes';
import { startProxyServer } from '@faultline/proxy';
import { MemoryJournal, experiment, scriptedProbe } from '@faultline/testing';
import { cpuPercent, percentile, table } from '../lib.js';

if (process.argv[2] === '--serve-target') {
  const server = http.createServer((_req, res) => res.end('ok'));
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as net.AddressInfo).port }));
  process.on('disconnect', () => process.exit(0));
  await new Promise(() => undefined);
}

const echo = net.createServer((s) => s.pipe(s));
await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
const echoPort = (echo.address() as net.AddressInfo).port;

async function breachToReverted(toxics: number, runs: number): Promise<number[]> {
  const proxy = await startProxyServer({ host: '127.0.0.1', port: 0 });
  for (let i = 0; i < toxics; i++) {
    await fetch(`${proxy.url}/proxies`, { method: 'POST', body: JSON.stringify({ name: `p${String(i).padStart(3, '0')}`, listen: '127.0.0.1:0', upstream: `127.0.0.1:${echoPort}` }) });
  }
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    let failAfter = Number.POSITIVE_INFINITY;
    const guard = scriptedProbe('trip', (n) => (n > failAfter ? { value: 'bad' } : { value: 'ok' }));
    const registry = createRegistry([toxiproxyPlugin(), { name: 'bench', probes: [guard] }]);
    const exp: Experiment = experiment({
      durationMs: 60_000,
      targets: { proxies: { name: 'proxies', kind: 'toxiproxy', selector: { api: proxy.url, match: '^p' }, mode: { type: 'all' } } },
      faults: [{ name: 'slow', type: 'toxiproxy.latency', target: 'proxies', with: { latency: '100ms' } }],
      guards: [{ name: 'g', kind: 'trip', everyMs: 5, breachAfter: 1 }],
    });
    let breach = 0;
    let reverted = 0;
    let count = 0;
    const engine = new Engine({
      registry,
      journal: new MemoryJournal(),
      onEvent: (e) => {
        if (e.type === 'transition' && e.to === 'holding') failAfter = guard.calls; // trip on the next tick
        if (e.type === 'guard-breach') breach = performance.now();
        if (e.type === 'fault-reverted' && ++count === toxics) reverted = performance.now();
      },
    });
    const result = await engine.start(exp).done;
    if (result.outcome !== 'aborted' || reverted === 0) throw new Error(`unexpected outcome ${result.outcome}: ${result.reason}`);
    samples.push(reverted - breach);
  }
  await proxy.close();
  return samples;
}

const rows: (string | number)[][] = [];
for (const [toxics, runs] of [[1, 40], [10, 40], [100, 10]] as const) {
  const s = await breachToReverted(toxics, runs);
  rows.push([toxics, runs, percentile(s, 50), percentile(s, 99), Math.max(...s)]);
}
console.log('\nbreach observed -> every toxic reverted (embedded proxy, loopback)\n');
console.log(table(['toxics', 'runs', 'p50 ms', 'p99 ms', 'max ms'], rows));

// 1,000 guards, each an HTTP probe every second against a local server, journaled to disk. The guarded
// server runs in its own process: its CPU belongs to the system under test, not to Faultline.
const target = fork(fileURLToPath(import.meta.url), ['--serve-target'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const [{ port: targetPort }] = (await once(target, 'message')) as [{ port: number }];
const url = `http://127.0.0.1:${targetPort}/`;
const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-bench-'));
const proxy = await startProxyServer({ host: '127.0.0.1', port: 0 });
await fetch(`${proxy.url}/proxies`, { method: 'POST', body: JSON.stringify({ name: 'one', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echoPort}` }) });
const guardRows: (string | number)[][] = [];
for (const n of [100, 1000]) {
  const journal = new FileJournal(dir);
  let observations = 0;
  const engine = new Engine({ registry: createRegistry([toxiproxyPlugin(), probesPlugin()]), journal, onEvent: (e) => { if (e.type === 'probe' && e.phase === 'guard') observations++; } });
  const exp = experiment({
    durationMs: 10_000,
    targets: { one: { name: 'one', kind: 'toxiproxy', selector: { api: proxy.url, proxy: 'one' }, mode: { type: 'all' } } },
    faults: [{ name: 'slow', type: 'toxiproxy.latency', target: 'one', with: { latency: '1ms' } }],
    guards: Array.from({ length: n }, (_, i) => ({ name: `g${i}`, kind: 'http', with: { url }, expect: { status: 200 }, everyMs: 1000, timeoutMs: 900, breachAfter: 3 })),
  });
  const { result, cpuPercent: cpu, wallMs } = await cpuPercent(() => engine.start(exp).done);
  await journal.close();
  guardRows.push([n, result.outcome, Math.round(wallMs), observations, Math.round(observations / (wallMs / 1000)), cpu]);
}
console.log('\nguards ticking every 1 s (HTTP probes to a local server, journaled to disk), whole run of a 10 s hold\n');
console.log(table(['guards', 'outcome', 'wall ms', 'observations', 'obs/s', 'CPU % of one core'], guardRows));
await proxy.close();
await rm(dir, { recursive: true, force: true });
target.disconnect();
echo.close();

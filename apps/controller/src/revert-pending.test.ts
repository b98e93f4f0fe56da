import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startProxyServer, type ProxyServer } from '@faultline/proxy';
import { startController, type Controller } from './server.js';
import { experimentParser } from './experiment-parser.js';
import { backgroundRetryNotes, retriedReason, revertPendingMetric, runState, until, untilHolding } from './test-support/revert-pending.js';

// Revert while the backend is down: the embedded proxy's API goes away mid-run (its toxics persist in a
// state file, like a Toxiproxy that restarts); the run stays revert-pending, the owner retries with
// backoff, the metric shows it, and when the API comes back the retry reverts it.
let dir: string;
let upstream: net.Server;
let proxy: ProxyServer | undefined;
let controller: Controller | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-pending-'));
  upstream = net.createServer((s) => s.pipe(s));
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
});
afterEach(async () => {
  await controller?.close();
  await proxy?.close();
  await new Promise((r) => upstream.close(r));
  await rm(dir, { recursive: true, force: true });
});

it('a run whose Toxiproxy API is down stays revert-pending, is retried with backoff by its owner, and is reverted when the API returns', { timeout: 120_000 }, async () => {
  const stateFile = path.join(dir, 'proxy-state.json');
  proxy = await startProxyServer({ port: 0, stateFile });
  const port = proxy.port;
  // In-process proxy API for the test's own checks: the controller is the only HTTP client of the proxy.
  await proxy.proxies.create({ name: 'redis', listen: '127.0.0.1:0', upstream: `127.0.0.1:${(upstream.address() as net.AddressInfo).port}` });
  const api = proxy.url;
  const toxics = async () => proxy!.proxies.listToxics('redis').map((t) => t.name);

  controller = await startController({ database: `sqlite:${path.join(dir, 'faultline.db')}`, port: 0, authRequired: false, rateLimitPerMinute: false, revertRetryMs: 100, replicaId: 'replica-a' });
  const experiment = await experimentParser(controller.registry)(`apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: slow-redis }
spec:
  duration: 1h
  revert: { timeout: 1s, maxAttempts: 2, initialBackoff: 20ms, maxBackoff: 50ms }
  targets:
    redis: { toxiproxy: { api: "${api}", proxy: redis } }
  faults:
    - { name: slow, type: toxiproxy.latency, target: redis, with: { latency: 100ms } }
`, 'test');
  const { run } = await controller.runHost.start({ experiment, source: 'api' });
  const state = () => runState(controller!, run.runId);
  await untilHolding(controller, run.runId);
  expect(await toxics()).toHaveLength(1);

  await proxy.close(); // the Toxiproxy API goes away with the toxic still in place (persisted)
  proxy = undefined;
  await controller.runHost.abort(run.runId, 'operator abort while the proxy is down');
  await until('revert-pending', async () => (await state()).state === 'revert-pending');
  // The run's own revert or, if it already ran, the owner's first background retry: both name the fault and the last error.
  expect((await state()).reason).toMatch(/could not revert "slow" on redis \(last error: cannot reach the Toxiproxy API at .+\)( after \d+ attempts)?; the controller keeps retrying in the background/);
  const metric = () => revertPendingMetric(controller!);
  expect(await metric()).toBe(1);
  // Background retries keep failing while the API is down: the run stays revert-pending, never finished.
  await until('two failed background retries', async () => (await backgroundRetryNotes(controller!, run.runId)).length >= 2);
  expect(['revert-pending', 'reverting']).toContain((await state()).state); // a retry may be in flight
  expect(await metric()).toBe(1);

  proxy = await startProxyServer({ port, stateFile }); // the API comes back, toxic and all
  const back = performance.now();
  expect(await toxics()).toHaveLength(1);
  await until('reverted by a retry', async () => (await state()).state === 'aborted');
  console.log(`toxiproxy: API back -> run reverted in ${(performance.now() - back).toFixed(0)} ms`);
  expect(await toxics()).toEqual([]);
  expect((await state()).reason).toMatch(retriedReason('replica-a'));
  expect(await metric()).toBe(0);
});

import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startProxyServer, type ProxyServer } from '@faultline/proxy';
import { startController, type Controller } from './server.js';
import { experimentParser } from './experiment-parser.js';

// `--forget` for runs hosted by the controllers (issue 14): POST /v1/runs/:runId/forget, admin scope,
// audited, journaled; refused while the run is live here or its owner's lease is alive elsewhere.
let dir: string;
let upstream: net.Server;
let proxy: ProxyServer | undefined;
const controllers: Controller[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-forget-'));
  upstream = net.createServer((s) => s.pipe(s));
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
});
afterEach(async () => {
  for (const c of controllers.splice(0)) await c.close();
  await proxy?.close();
  await new Promise((r) => upstream.close(r));
  await rm(dir, { recursive: true, force: true });
});

async function until(what: string, pred: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${what}: not reached`);
}

it('forgets a revert-pending run on its owner, refuses while live or while another replica holds the lease, audits it, never touches the backend', { timeout: 120_000 }, async () => {
  proxy = await startProxyServer({ port: 0 });
  await proxy.proxies.create({ name: 'redis', listen: '127.0.0.1:0', upstream: `127.0.0.1:${(upstream.address() as net.AddressInfo).port}` });
  const api = proxy.url;
  const database = `sqlite:${path.join(dir, 'faultline.db')}`;
  // Long leases and scans: nobody adopts anybody in this test; the owner keeps retrying its revert.
  const common = { database, port: 0, rateLimitPerMinute: false as const, revertRetryMs: 100, ownerTtlMs: 60_000, adoptEveryMs: 3_600_000 };
  const a = await startController({ ...common, replicaId: 'replica-a' });
  controllers.push(a);
  const b = await startController({ ...common, replicaId: 'replica-b' });
  controllers.push(b);
  const admin = (await a.store.createToken({ name: 'oncall', scopes: ['admin'] })).secret;
  const runner = (await a.store.createToken({ name: 'ci', scopes: ['run'] })).secret;
  const forget = (c: Controller, runId: string, token: string, reason = 'staging proxy deleted for good') =>
    fetch(`${c.url}/v1/runs/${runId}/forget`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ reason }) });

  const experiment = await experimentParser(a.registry)(`apiVersion: faultline.dev/v1
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
  const { run } = await a.runHost.start({ experiment, source: 'api' });
  const state = async () => (await a.store.getRun(run.runId))!;
  await until('holding', async () => (await state()).state === 'holding');

  const live = await forget(a, run.runId, admin);
  expect(live.status).toBe(409);
  expect((await live.json() as { message: string }).message).toMatch(/running on this replica \(replica-a, state holding\); abort it/);

  // The backend goes away for good with the toxic in place: the run becomes revert-pending on replica-a.
  const held = proxy;
  proxy = undefined;
  const port = held.port;
  await held.close();
  await a.runHost.abort(run.runId, 'operator abort');
  await until('revert-pending', async () => (await state()).state === 'revert-pending');

  const elsewhere = await forget(b, run.runId, admin);
  expect(elsewhere.status).toBe(409);
  expect((await elsewhere.json() as { message: string }).message).toMatch(/owned by replica replica-a, whose lease is alive/);
  expect((await forget(a, run.runId, runner)).status).toBe(403);

  const ok = await forget(a, run.runId, admin);
  expect(ok.status).toBe(200);
  const body = await ok.json() as { forgotten: { previousState: string; faults: unknown[]; by: string }; run: { state: string; reason: string } };
  expect(body.forgotten).toMatchObject({ previousState: expect.stringMatching(/revert-pending|reverting/), faults: [{ fault: 'slow', target: 'redis' }] });
  expect(body.forgotten.by).toMatch(/token "oncall"/);
  expect(body.run.state).toBe('failed');
  expect(body.run.reason).toMatch(/^forgotten by token "oncall" .*: staging proxy deleted for good; fault record\(s\) never confirmed reverted: "slow" on redis$/);
  const events = await a.store.read(run.runId);
  expect(events.find((e) => e.type === 'forced')).toMatchObject({ reason: 'staging proxy deleted for good', faults: ['slow on redis'] });
  expect(a.runHost.ownedRunIds()).not.toContain(run.runId);
  const metric = Number(/^faultline_runs_revert_pending (\d+)/m.exec(await (await fetch(`${a.url}/metrics`)).text())?.[1]);
  expect(metric).toBe(0);
  const audit = await a.store.listAudit({ limit: 20 });
  expect(audit.filter((e) => e.action === 'runs.forget').map((e) => [e.target, e.actorName, (e.details as { status: number }).status]))
    .toEqual(expect.arrayContaining([[run.runId, 'oncall', 200], [run.runId, 'oncall', 409], [run.runId, 'ci', 403]]));
  // A second forget: the run is over.
  expect((await forget(a, run.runId, admin)).status).toBe(409);

  // Forgotten means no longer retried: a forced retry pass on the owner writes nothing for this run.
  proxy = await startProxyServer({ port });
  const before = (await a.store.read(run.runId)).length;
  await a.runHost.retryPending(true);
  expect((await a.store.read(run.runId)).length).toBe(before);
});

import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startProxyServer, type ProxyServer } from '@faultline/proxy';
import { startController, type Controller } from '@faultline/controller';
import { main, type CliIo } from './index.js';

// `faultline recover --server URL --forget RUN --reason "…"` for a run hosted by the controllers: the owner
// replica shut down with the run revert-pending (its backend gone) and released the lease; the CLI asks a
// live replica, which adopts the run atomically and forgets it (journaled, audited).
let dir: string;
let upstream: net.Server;
let proxy: ProxyServer | undefined;
const controllers: Controller[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-forget-cli-'));
  upstream = net.createServer((s) => s.pipe(s));
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
});
afterEach(async () => {
  for (const c of controllers.splice(0)) await c.close();
  await proxy?.close();
  await new Promise((r) => upstream.close(r));
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const x = { out: '', err: '' };
  const io: CliIo = {
    stdout: { write: (s: string) => { x.out += s; return true; } },
    stderr: { write: (s: string) => { x.err += s; return true; } },
    env: { NO_COLOR: '1' } as NodeJS.ProcessEnv, cwd: dir, onSignal: () => () => undefined,
  };
  return { code: await main(args, io), ...x };
}

async function until(what: string, pred: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${what}: not reached`);
}

it('forgets a handed-over revert-pending run through a live replica; refused without --reason or a live lease', { timeout: 120_000 }, async () => {
  proxy = await startProxyServer({ port: 0 });
  await proxy.proxies.create({ name: 'redis', listen: '127.0.0.1:0', upstream: `127.0.0.1:${(upstream.address() as net.AddressInfo).port}` });
  const database = `sqlite:${path.join(dir, 'faultline.db')}`;
  const common = { database, port: 0, rateLimitPerMinute: false as const, revertRetryMs: 100, ownerTtlMs: 60_000, adoptEveryMs: 3_600_000 };
  const a = await startController({ ...common, replicaId: 'replica-a' });
  const b = await startController({ ...common, replicaId: 'replica-b' });
  controllers.push(b);
  const admin = (await b.store.createToken({ name: 'oncall', scopes: ['admin'] })).secret;
  const submitted = await fetch(`${a.url}/v1/runs`, {
    method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ definition: `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: slow-redis }
spec:
  duration: 1h
  revert: { timeout: 1s, maxAttempts: 2, initialBackoff: 20ms, maxBackoff: 50ms }
  targets:
    redis: { toxiproxy: { api: "${proxy.url}", proxy: redis } }
  faults:
    - { name: slow, type: toxiproxy.latency, target: redis, with: { latency: 100ms } }
` }),
  });
  const runId = ((await submitted.json()) as { run: { runId: string } }).run.runId;
  const state = async () => (await b.store.getRun(runId))!;
  await until('holding', async () => (await state()).state === 'holding');
  await proxy.close();
  proxy = undefined;
  await a.runHost.abort(runId, 'operator abort');
  await until('revert-pending', async () => (await state()).state === 'revert-pending');

  // replica-a is alive and owns the run: refused, and the CLI says why.
  const refused = await cli(['recover', '--server', b.url, '--token', admin, '--forget', runId, '--reason', 'proxy host decommissioned']);
  expect(refused.code).not.toBe(0);
  expect(refused.err).toMatch(/owned by replica replica-a, whose lease is alive/);
  const noReason = await cli(['recover', '--server', b.url, '--token', admin, '--forget', runId]);
  expect([noReason.code, noReason.err]).toEqual([64, expect.stringMatching(/--forget needs --reason/)]);

  await a.close(); // SIGTERM path: the revert-pending run is handed over (lease released)
  const done = await cli(['recover', '--server', b.url, '--token', admin, '--forget', runId, '--reason', 'proxy host decommissioned', '-o', 'json']);
  expect(done.code).toBe(0);
  const report = JSON.parse(done.out) as { forgotten: { runId: string; by: string; faults: unknown[] }; state: string; mayStillBeActive: boolean };
  expect(report).toMatchObject({ state: 'failed', mayStillBeActive: false, forgotten: { runId, faults: [{ fault: 'slow', target: 'redis' }] } });
  expect(report.forgotten.by).toMatch(/token "oncall"/);
  expect((await state()).reason).toMatch(/proxy host decommissioned/);
  expect((await b.store.listAudit({ limit: 5 })).some((e) => e.action === 'runs.forget' && e.target === runId)).toBe(true);
});

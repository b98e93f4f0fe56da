import http from 'node:http';
import net from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProxyServer } from '@faultline/proxy';
import { startEchoUpstream, startProxyFor, toxicNames } from './test-support/fixtures.js';
import { spawnCli, type CliProcess } from './test-support/spawn-cli.js';

let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
let app: http.Server;
let appUrl: string;
let proxy: ProxyServer;
let dir: string;
let port: number;
let secret: string;
const procs: CliProcess[] = [];
/** The system under test: /ok always 200; /flaky 200 once, then 500; /down always 500. */
let flakyCalls = 0;

beforeAll(async () => {
  upstream = await startEchoUpstream();
  app = http.createServer((req, res) => {
    const status = req.url === '/ok' ? 200 : req.url === '/flaky' ? (flakyCalls++ === 0 ? 200 : 500) : 500;
    res.writeHead(status).end(String(status));
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  appUrl = `http://127.0.0.1:${(app.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
  await upstream.close();
  await new Promise((r) => app.close(r));
});
beforeEach(async () => {
  flakyCalls = 0;
  dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-submit-'));
  proxy = await startProxyFor('redis', upstream.port);
  const free = net.createServer();
  await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
  port = (free.address() as net.AddressInfo).port;
  await new Promise((r) => free.close(r));
  const t = spawnCli(['tokens', 'create', '--name', 'ci', '--scopes', 'run', '--database', path.join(dir, 'db.sqlite'), '--output', 'json']);
  expect(await t.exit).toBe(0);
  secret = JSON.parse(t.stdout()).secret;
});
afterEach(async () => {
  for (const p of procs.splice(0)) if (p.child.exitCode === null) { p.child.kill('SIGKILL'); await p.exit; }
  await proxy.close();
  await rm(dir, { recursive: true, force: true });
});

async function controller(): Promise<CliProcess> {
  const proc = spawnCli(['server', '--port', String(port), '--database', path.join(dir, 'db.sqlite')]);
  procs.push(proc);
  await proc.waitForLine((l) => l.includes('faultline controller on'));
  return proc;
}
async function experiment(name: string, opts: { duration: string; steady: string; guard?: string }): Promise<string> {
  const file = path.join(dir, `${name}.yaml`);
  await writeFile(file, `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: ${name} }
spec:
  duration: ${opts.duration}
  targets:
    redis: { toxiproxy: { api: "${proxy.url}", proxy: redis } }
  steadyState:
    - { name: app, http: { url: "${appUrl}${opts.steady}" }, expect: { status: 200 } }
  faults:
    - { name: slow, type: toxiproxy.latency, target: redis, with: { latency: 50ms } }
${opts.guard ? `  guards:\n    - { name: app-guard, http: { url: "${appUrl}${opts.guard}" }, expect: { status: 200 }, every: 100ms, breachAfter: 2 }\n` : ''}`);
  return file;
}
const submit = (file: string, extra: string[] = []) => {
  const p = spawnCli(['submit', file, '--server', `http://127.0.0.1:${port}`, '--wait', '--junit', path.join(dir, 'junit.xml'), ...extra], { env: { FAULTLINE_TOKEN: secret } });
  procs.push(p);
  return p;
};
const toxics = () => toxicNames(proxy, 'redis');

describe('faultline submit --wait against a real controller', () => {
  it.each([
    ['completed', 0, { duration: '300ms', steady: '/ok' }, /<testsuite[^>]*failures="0"/],
    ['deviated', 1, { duration: '300ms', steady: '/flaky' }, /steady-state after: app[\s\S]*<failure/],
    ['aborted', 2, { duration: '1m', steady: '/ok', guard: '/down' }, /guard: app-guard[\s\S]*<failure/],
  ] as const)('%s run -> exit %i and a matching JUnit file', async (name, code, spec, junitPattern) => {
    await controller();
    const s = submit(await experiment(name, spec));
    expect(await s.exit).toBe(code);
    expect(s.stdout()).toMatch(new RegExp(name.toUpperCase()));
    expect(await readFile(path.join(dir, 'junit.xml'), 'utf8')).toMatch(junitPattern);
    expect(await toxics()).toEqual([]);
  });

  it('-o json prints one RunResult document: verdict, timings, per-target outcome, the run URL', async () => {
    await controller();
    const s = submit(await experiment('as-json', { duration: '1m', steady: '/ok', guard: '/down' }), ['-o', 'json']);
    expect(await s.exit).toBe(2);
    const doc = JSON.parse(s.stdout()) as { kind: string; outcome: string; exitCode: number; url: string; timings: { durationMs: number }; counts: { targets: number; reverted: number }; targets: Array<{ fault: string; outcome: string; target: { name: string } }> };
    expect(doc).toMatchObject({ kind: 'RunResult', outcome: 'aborted', exitCode: 2, counts: { targets: 1, reverted: 1 } });
    expect(doc.targets).toMatchObject([{ fault: 'slow', outcome: 'reverted', target: { name: 'redis' } }]);
    expect(doc.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/runs\//);
    expect(doc.timings.durationMs).toBeGreaterThan(0);
    expect(await toxics()).toEqual([]);
  });

  it('SIGTERM during --wait (a cancelled CI job) aborts the run; the toxic is reverted; exit 2', async () => {
    await controller();
    const s = submit(await experiment('cancelled', { duration: '10m', steady: '/ok' }), ['--output', 'jsonl']);
    await s.waitForLine((l) => l.includes('"to":"holding"'));
    expect(await toxics()).toHaveLength(1);
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(2);
    expect(await toxics()).toEqual([]);
    expect(s.stderr()).toMatch(/asking the controller to abort run/);
  });

  it('survives a controller restart: reconnects, resumes the stream and reports the recovered run', async () => {
    const first = await controller();
    const s = submit(await experiment('restarted', { duration: '10m', steady: '/ok' }), ['--output', 'jsonl']);
    await s.waitForLine((l) => l.includes('"to":"holding"'));
    first.child.kill('SIGKILL');
    await first.exit;
    await controller();
    expect(await s.exit).toBe(2);
    expect(await toxics()).toEqual([]);
    const seqs = s.stdout().split('\n').filter((l) => l.startsWith('{"seq"')).map((l) => JSON.parse(l).seq as number);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1)); // no event lost or repeated across the reconnect
    expect(s.stderr()).toMatch(/reconnecting/);
  });
});

import net from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyServer } from '@faultline/proxy';
import { spawnCli } from './test-support/spawn-cli.js';

let upstream: net.Server;
let upstreamPort: number;
let proxy: ProxyServer;
let dir: string;

beforeAll(async () => {
  upstream = net.createServer((s) => s.pipe(s));
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  upstreamPort = (upstream.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => upstream.close(r));
});
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-cli-'));
  proxy = await startProxyServer({ host: '127.0.0.1', port: 0 });
  const res = await fetch(`${proxy.url}/proxies`, { method: 'POST', body: JSON.stringify({ name: 'redis', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstreamPort}` }) });
  expect(res.status).toBe(201);
});
afterEach(async () => {
  await proxy.close();
  await rm(dir, { recursive: true, force: true });
});

async function toxics(): Promise<string[]> {
  const res = await fetch(`${proxy.url}/proxies/redis/toxics`);
  return ((await res.json()) as { name: string }[]).map((t) => t.name);
}

async function experimentFile(duration = '2m'): Promise<string> {
  const file = path.join(dir, 'slow-redis.yaml');
  await writeFile(file, `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: slow-redis }
spec:
  duration: ${duration}
  targets:
    redis: { toxiproxy: { api: "${proxy.url}", proxy: redis } }
  faults:
    - { name: slow, type: toxiproxy.latency, target: redis, with: { latency: 200ms } }
`);
  return file;
}

const isHolding = (l: string) => l.includes('"type":"transition"') && l.includes('"to":"holding"');

describe('faultline run as a real process', () => {
  it('SIGINT mid-hold reverts the toxic before exiting with code 2 (aborted); a second SIGINT does not skip it', async () => {
    const cli = spawnCli(['run', await experimentFile(), '--output', 'json', '--state-dir', dir]);
    await cli.waitForLine(isHolding);
    expect(await toxics()).toHaveLength(1);
    cli.child.kill('SIGINT');
    cli.child.kill('SIGINT');
    expect(await cli.exit).toBe(2);
    expect(await toxics()).toEqual([]);
    const result = JSON.parse(cli.stdout().trim().split('\n').at(-1)!);
    expect(result).toMatchObject({ type: 'result', outcome: 'aborted', reason: 'interrupted by SIGINT' });
  });

  it('SIGTERM mid-hold also reverts', async () => {
    const cli = spawnCli(['run', await experimentFile(), '--output', 'json', '--state-dir', dir]);
    await cli.waitForLine(isHolding);
    cli.child.kill('SIGTERM');
    expect(await cli.exit).toBe(2);
    expect(await toxics()).toEqual([]);
  });

  it('after SIGKILL the toxic stays; `faultline recover` removes it from the journal alone, and again is a no-op', async () => {
    const cli = spawnCli(['run', await experimentFile(), '--output', 'json', '--state-dir', dir]);
    await cli.waitForLine(isHolding);
    cli.child.kill('SIGKILL');
    await cli.exit;
    expect(await toxics()).toHaveLength(1);
    const rec = spawnCli(['recover', '--state-dir', dir]);
    expect(await rec.exit).toBe(0);
    expect(rec.stdout()).toMatch(/reverted slow on redis/);
    expect(await toxics()).toEqual([]);
    const again = spawnCli(['recover', '--state-dir', dir]);
    expect(await again.exit).toBe(0);
    expect(again.stdout()).toMatch(/nothing to recover/);
  });

  it('a completed run exits 0 and prints the verdict', async () => {
    const cli = spawnCli(['run', await experimentFile('300ms'), '--state-dir', dir]);
    expect(await cli.exit).toBe(0);
    expect(cli.stdout()).toMatch(/COMPLETED/);
    expect(await toxics()).toEqual([]);
  });

  it('an unreachable Toxiproxy API fails with exit 3 and injects nothing', async () => {
    const file = path.join(dir, 'bad-api.yaml');
    await writeFile(file, `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: unreachable }
spec:
  duration: 1s
  targets:
    redis: { toxiproxy: { api: "http://127.0.0.1:1", proxy: redis } }
  faults:
    - { name: slow, type: toxiproxy.latency, target: redis, with: { latency: 200ms } }
`);
    const cli = spawnCli(['run', file, '--state-dir', dir]);
    expect(await cli.exit).toBe(3);
    expect(cli.stdout()).toMatch(/cannot reach the Toxiproxy API at http:\/\/127.0.0.1:1/);
  });
});

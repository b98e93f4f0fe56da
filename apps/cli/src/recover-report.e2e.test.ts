import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProxyServer } from '@faultline/proxy';
import { startEchoUpstream, startProxyFor, toxicNames } from './test-support/fixtures.js';
import { spawnCli } from './test-support/spawn-cli.js';

/*
 * Issue 14, finding 3: `faultline recover` must report every run even when a backend named only by an
 * old, finished run is gone (torn-down test environment): per-run and per-backend isolation, one JSON
 * document with -o json, exit 4 only when something may still be active.
 */

let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
let live: ProxyServer;
let dir: string;

beforeAll(async () => {
  upstream = await startEchoUpstream();
});
afterAll(async () => {
  await upstream.close();
});
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-recover-'));
  live = await startProxyFor('redis', upstream.port);
});
afterEach(async () => {
  await live.close();
  await rm(dir, { recursive: true, force: true });
});

async function experiment(name: string, api: string, duration: string): Promise<string> {
  const file = path.join(dir, `${name}.yaml`);
  await writeFile(file, `apiVersion: faultline.dev/v1
kind: Experiment
metadata: { name: ${name} }
spec:
  duration: ${duration}
  revert: { timeout: 2s, maxAttempts: 2, initialBackoff: 50ms, maxBackoff: 100ms }
  targets:
    redis: { toxiproxy: { api: "${api}", proxy: redis } }
  faults:
    - { name: slow, type: toxiproxy.latency, target: redis, with: { latency: 100ms } }
`);
  return file;
}
const runIds = async () => (await readdir(path.join(dir, 'runs')).catch(() => [] as string[])).map((f) => f.replace(/\.jsonl$/, ''));

/** An earlier run against a proxy that is torn down afterwards; returns its run id and API URL. */
async function finishedRunOnGoneBackend(): Promise<{ runId: string; api: string }> {
  const old = await startProxyFor('redis', upstream.port);
  const before = await runIds();
  const cli = spawnCli(['run', await experiment('old-env', old.url, '200ms'), '--state-dir', dir]);
  expect(await cli.exit).toBe(0);
  const runId = (await runIds()).find((id) => !before.includes(id))!;
  await old.close();
  return { runId, api: old.url };
}

/** A run killed with SIGKILL while it holds a toxic on the live proxy. */
async function killedRun(): Promise<string> {
  const before = await runIds();
  const cli = spawnCli(['run', await experiment('killed', live.url, '10m'), '--state-dir', dir]);
  while ((await toxicNames(live, 'redis')).length === 0) {
    if (cli.child.exitCode !== null) throw new Error(`run exited early: ${cli.stdout()} ${cli.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  cli.child.kill('SIGKILL');
  await cli.exit;
  expect(await toxicNames(live, 'redis')).toHaveLength(1);
  return (await runIds()).find((id) => !before.includes(id))!;
}

describe('faultline recover reports every run', () => {
  it('an old finished run whose Toxiproxy API is gone is a warning; the killed run is still reverted and reported (-o json: one document, exit 0)', async () => {
    const old = await finishedRunOnGoneBackend();
    const killed = await killedRun();
    const rec = spawnCli(['recover', '--state-dir', dir, '-o', 'json']);
    expect(await rec.exit).toBe(0);
    const doc = JSON.parse(rec.stdout()) as {
      recovered: { runId: string; action: string }[];
      warnings: { backend: string; runIds: string[]; message: string }[];
      mayStillBeActive: boolean;
    };
    expect(doc.recovered).toEqual([expect.objectContaining({ runId: killed, action: 'reverted' })]);
    expect(doc.mayStillBeActive).toBe(false);
    expect(doc.warnings).toEqual([expect.objectContaining({ backend: expect.stringContaining(old.api), runIds: [old.runId] })]);
    expect(await toxicNames(live, 'redis')).toEqual([]);
  });

  it('human output names the unreachable backend and its run as a warning and still reports the killed run', async () => {
    const old = await finishedRunOnGoneBackend();
    const killed = await killedRun();
    const rec = spawnCli(['recover', '--state-dir', dir]);
    expect(await rec.exit).toBe(0);
    expect(rec.stdout()).toMatch(new RegExp(`${killed}.*recover reverted 1`));
    expect(rec.stdout() + rec.stderr()).toMatch(new RegExp(`warning: .*${old.api.replace(/[.:/]/g, '\\$&')}.*${old.runId}`));
  });

  it('exit 4 and mayStillBeActive when the killed run\'s own backend is gone (its fault may still be active)', async () => {
    const killed = await killedRun();
    await live.close();
    const rec = spawnCli(['recover', '--state-dir', dir, '-o', 'json']);
    expect(await rec.exit).toBe(4);
    const doc = JSON.parse(rec.stdout()) as { recovered: { runId: string; action: string }[]; mayStillBeActive: boolean };
    expect(doc.recovered).toEqual([expect.objectContaining({ runId: killed, action: 'revert-pending' })]);
    expect(doc.mayStillBeActive).toBe(true);
    live = await startProxyFor('redis', upstream.port); // afterEach closes it
  });
});

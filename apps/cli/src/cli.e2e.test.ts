import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useProxyWorkspace } from './test-support/workspace.js';
import { spawnCli } from './test-support/spawn-cli.js';

const ws = useProxyWorkspace('cli');

const toxics = () => ws.toxics();

async function experimentFile(duration = '2m'): Promise<string> {
  const file = path.join(ws.dir, 'slow-redis.yaml');
  await writeFile(file, ws.latencyExperiment({ name: 'slow-redis', duration, latency: '200ms' }));
  return file;
}

const isHolding = (l: string) => l.includes('"type":"transition"') && l.includes('"to":"holding"');

describe('faultline run as a real process', () => {
  it('SIGINT mid-hold reverts the toxic before exiting with code 2 (aborted); a second SIGINT does not skip it', async () => {
    const cli = spawnCli(['run', await experimentFile(), '--output', 'jsonl', '--state-dir', ws.dir]);
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
    const cli = spawnCli(['run', await experimentFile(), '--output', 'jsonl', '--state-dir', ws.dir]);
    await cli.waitForLine(isHolding);
    cli.child.kill('SIGTERM');
    expect(await cli.exit).toBe(2);
    expect(await toxics()).toEqual([]);
  });

  it('after SIGKILL the toxic stays; `faultline recover` removes it from the journal alone, and again is a no-op', async () => {
    const cli = spawnCli(['run', await experimentFile(), '--output', 'jsonl', '--state-dir', ws.dir]);
    await cli.waitForLine(isHolding);
    cli.child.kill('SIGKILL');
    await cli.exit;
    expect(await toxics()).toHaveLength(1);
    const rec = spawnCli(['recover', '--state-dir', ws.dir]);
    expect(await rec.exit).toBe(0);
    expect(rec.stdout()).toMatch(/reverted slow on redis/);
    expect(await toxics()).toEqual([]);
    const again = spawnCli(['recover', '--state-dir', ws.dir]);
    expect(await again.exit).toBe(0);
    expect(again.stdout()).toMatch(/nothing to recover/);
  });

  it('a completed run exits 0 and prints the verdict', async () => {
    const cli = spawnCli(['run', await experimentFile('300ms'), '--state-dir', ws.dir]);
    expect(await cli.exit).toBe(0);
    expect(cli.stdout()).toMatch(/COMPLETED/);
    expect(await toxics()).toEqual([]);
  });

  it('an unreachable Toxiproxy API fails with exit 3 and injects nothing', async () => {
    const file = path.join(ws.dir, 'bad-api.yaml');
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
    const cli = spawnCli(['run', file, '--state-dir', ws.dir]);
    expect(await cli.exit).toBe(3);
    expect(cli.stdout()).toMatch(/cannot reach the Toxiproxy API at http:\/\/127.0.0.1:1/);
  });
});

import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startProxyFor } from './test-support/fixtures.js';
import { useProxyWorkspace } from './test-support/workspace.js';
import { spawnCli } from './test-support/spawn-cli.js';
import { runCliInProcess } from './test-support/capture-io.js';

/** The CLI in this process (only the killed run needs a process of its own). */
const cli = (args: string[]) => runCliInProcess(args, ws.dir);

/*
 * Issue 14, finding 3: `faultline recover` must report every run even when a backend named only by an
 * old, finished run is gone (torn-down test environment): per-run and per-backend isolation, one JSON
 * document with -o json, exit 4 only when something may still be active.
 */

const ws = useProxyWorkspace('recover');

async function experiment(name: string, api: string, duration: string): Promise<string> {
  const file = path.join(ws.dir, `${name}.yaml`);
  await writeFile(file, ws.latencyExperiment({ name, duration, api, specExtra: '  revert: { timeout: 2s, maxAttempts: 2, initialBackoff: 50ms, maxBackoff: 100ms }\n' }));
  return file;
}
const runIds = async () => (await readdir(path.join(ws.dir, 'runs')).catch(() => [] as string[])).map((f) => f.replace(/\.jsonl$/, ''));

/** An earlier run against a proxy that is torn down afterwards; returns its run id and API URL. */
async function finishedRunOnGoneBackend(): Promise<{ runId: string; api: string }> {
  const old = await startProxyFor('redis', ws.upstreamPort);
  const before = await runIds();
  expect((await cli(['run', await experiment('old-env', old.url, '200ms'), '--state-dir', ws.dir])).code).toBe(0);
  const runId = (await runIds()).find((id) => !before.includes(id))!;
  await old.close();
  return { runId, api: old.url };
}

/** A run killed with SIGKILL while it holds a toxic on the live proxy. */
async function killedRun(): Promise<string> {
  const before = await runIds();
  const proc = spawnCli(['run', await experiment('killed', ws.proxy.url, '10m'), '--state-dir', ws.dir]);
  while ((await ws.toxics()).length === 0) {
    if (proc.child.exitCode !== null) throw new Error(`run exited early: ${proc.stdout()} ${proc.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  proc.child.kill('SIGKILL');
  await proc.exit;
  expect(await ws.toxics()).toHaveLength(1);
  return (await runIds()).find((id) => !before.includes(id))!;
}

describe('faultline recover reports every run', { timeout: 240_000 }, () => {
  it('an old finished run whose Toxiproxy API is gone is a warning naming backend and run; the killed run is still reverted and reported (-o json: one document, exit 0)', async () => {
    const old = await finishedRunOnGoneBackend();
    const killed = await killedRun();
    const rec = await cli(['recover', '--state-dir', ws.dir, '-o', 'json']);
    expect(rec.code).toBe(0);
    const doc = JSON.parse(rec.out) as {
      recovered: { runId: string; action: string }[];
      warnings: { backend: string; runIds: string[]; message: string }[];
      mayStillBeActive: boolean;
    };
    expect(doc.recovered).toEqual([expect.objectContaining({ runId: killed, action: 'reverted' })]);
    expect(doc.mayStillBeActive).toBe(false);
    expect(doc.warnings).toEqual([expect.objectContaining({ backend: expect.stringContaining(old.api), runIds: [old.runId] })]);
    expect(await ws.toxics()).toEqual([]);

    // Human output (a second recover: nothing left to revert, the warning stays a warning, exit 0).
    const again = await cli(['recover', '--state-dir', ws.dir]);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/nothing to recover/);
    expect(again.err).toMatch(new RegExp(`warning: could not check .*${old.api.replace(/[.:/]/g, '\\$&')}.*named by run ${old.runId}`));
  });

  it('exit 4 and mayStillBeActive when the killed run\'s own backend is gone; --forget RUN --reason acknowledges it (journaled as forced), then exit 0', async () => {
    const killed = await killedRun();
    await ws.stopProxy();
    const pending = await cli(['recover', '--state-dir', ws.dir, '-o', 'json']);
    expect(pending.code).toBe(4);
    const doc = JSON.parse(pending.out) as { recovered: { runId: string; action: string }[]; mayStillBeActive: boolean };
    expect(doc.recovered).toEqual([expect.objectContaining({ runId: killed, action: 'revert-pending' })]);
    expect(doc.mayStillBeActive).toBe(true);

    const refused = await cli(['recover', '--state-dir', ws.dir, '--forget', killed]);
    expect(refused.code).toBe(64);
    expect(refused.err).toMatch(/--forget needs --reason/);
    const forget = await cli(['recover', '--state-dir', ws.dir, '--forget', killed, '--reason', 'test proxy torn down', '-o', 'json']);
    expect(forget.code).toBe(0);
    const f = JSON.parse(forget.out) as { forgotten: { runId: string; detail: string }; recovered: unknown[]; mayStillBeActive: boolean };
    expect(f.forgotten).toMatchObject({ runId: killed, faults: [{ fault: 'slow', target: 'redis' }], reason: 'test proxy torn down' });
    expect(f.forgotten.detail).toMatch(/^forgotten by .+: test proxy torn down; fault record\(s\) never confirmed reverted: "slow" on redis$/);
    expect(f.recovered).toEqual([]);
    expect(f.mayStillBeActive).toBe(false);
    const journal = (await readFile(path.join(ws.dir, 'runs', `${killed}.jsonl`), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(journal.find((e) => e.type === 'forced')).toMatchObject({ reason: 'test proxy torn down', faults: ['slow on redis'] });
    expect(journal.at(-1)).toMatchObject({ type: 'verdict', outcome: 'failed' });
  });
});

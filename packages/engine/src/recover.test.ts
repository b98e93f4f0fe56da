import { mkdtemp, rm, appendFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRegistry, replayJournal } from '@faultline/core';
import { experiment, FakeBackend, fakePlugin } from '@faultline/testing';
import { FileJournal, recover } from './index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-recover-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes the journal a process would have left when SIGKILLed mid-hold. */
async function crashedRun(journal: FileJournal, backend: FakeBackend, runId: string) {
  const exp = experiment();
  await journal.append(runId, { type: 'run-created', experiment: exp, dryRun: false, host: 'elsewhere', pid: 1 });
  for (const [from, to] of [['pending', 'planning'], ['planning', 'checking-before'], ['checking-before', 'injecting'], ['injecting', 'holding']] as const) {
    await journal.append(runId, { type: 'transition', from, to });
  }
  for (const id of ['t0', 't1']) {
    const target = { id, kind: 'fake', name: id, labels: {}, ref: { id } };
    await journal.append(runId, { type: 'fault-injecting', fault: 'fault-0', faultType: 'fake.break', target, params: {} });
    backend.active.add(`${id}|faultline-${runId}-fault-0`);
    // t1 crashed between the backend call and journaling `fault-injected`: no undo data
    if (id === 't0') await journal.append(runId, { type: 'fault-injected', fault: 'fault-0', targetId: id, undo: { artefact: 'x' }, durationMs: 1 });
  }
}

describe('recover', () => {
  it('reverts from the journal alone in a fresh process, and a second recover is a no-op', async () => {
    const backend = new FakeBackend();
    backend.addTargets(2);
    const runId = 'rcrashcrash01';
    await crashedRun(new FileJournal(dir), backend, runId);
    expect(backend.active.size).toBe(2);

    const fresh = new FileJournal(dir); // a new process: only the files
    const registry = createRegistry([fakePlugin(backend)]);
    const first = await recover({ registry, source: fresh, sink: fresh });
    expect(first).toMatchObject([{ runId, action: 'reverted', previousState: 'holding' }]);
    expect(backend.active.size).toBe(0);
    const { state, records } = replayJournal(await fresh.read(runId));
    expect(state).toBe('aborted');
    expect(records.every((r) => r.phase === 'reverted')).toBe(true);
    expect(await recover({ registry, source: fresh, sink: fresh })).toEqual([]);
    await fresh.close();
  });

  it('leaves a run alone while its process is alive on this host, unless forced', async () => {
    const backend = new FakeBackend();
    backend.addTargets(1);
    const journal = new FileJournal(dir);
    await journal.append('ralivealive01', { type: 'run-created', experiment: experiment(), dryRun: false, host: os.hostname(), pid: process.ppid });
    await journal.append('ralivealive01', { type: 'transition', from: 'pending', to: 'planning' });
    const registry = createRegistry([fakePlugin(backend)]);
    expect(await recover({ registry, source: journal, sink: journal })).toMatchObject([{ action: 'skipped-alive' }]);
    expect(await recover({ registry, source: journal, sink: journal, force: true })).toMatchObject([{ action: 'nothing-to-revert' }]);
    expect(replayJournal(await journal.read('ralivealive01')).state).toBe('failed');
    await journal.close();
  });

  it('keeps a run revert-pending when the backend still refuses, and finishes it on a later recover', async () => {
    const backend = new FakeBackend();
    backend.addTargets(2);
    const runId = 'rpendingpend1';
    const journal = new FileJournal(dir);
    await crashedRun(journal, backend, runId);
    backend.revertHook = () => new Error('api down');
    const registry = createRegistry([fakePlugin(backend)]);
    const policy = { timeoutMs: 100, maxAttempts: 2, initialBackoffMs: 1, maxBackoffMs: 2 };
    expect(await recover({ registry, source: journal, sink: journal, policy })).toMatchObject([{ action: 'revert-pending' }]);
    expect(await journal.listUnfinishedRuns()).toEqual([runId]);
    backend.revertHook = undefined;
    expect(await recover({ registry, source: journal, sink: journal, policy })).toMatchObject([{ action: 'reverted' }]);
    expect(backend.active.size).toBe(0);
    await journal.close();
  });
});

describe('FileJournal', () => {
  it('ignores a torn final line (power cut mid-write) and keeps numbering', async () => {
    const j = new FileJournal(dir);
    await j.append('rtorntorn0001', { type: 'note', message: 'one' });
    await j.close();
    await appendFile(j.fileOf('rtorntorn0001'), '{"seq":2,"type":"no');
    const again = new FileJournal(dir);
    expect((await again.read('rtorntorn0001')).map((e) => e.seq)).toEqual([1]);
    await again.append('rtorntorn0001', { type: 'note', message: 'two' });
    expect((await again.read('rtorntorn0001')).map((e) => e.seq)).toEqual([1, 2]);
    await again.close();
  });
});

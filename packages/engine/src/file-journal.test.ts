import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRegistry, type JournalEvent, type JournalEventBody, type Target } from '@faultline/core';
import { experiment, FakeBackend, fakeFaultProvider, fakePlugin } from '@faultline/testing';
import { Engine, FileJournal } from './index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const target = (i: number): Target => ({ id: `t${i}` as Target['id'], kind: 'fake', name: `t${i}`, labels: {}, ref: { id: `t${i}` } });

describe('FileJournal group commit', () => {
  it('events appended together share one fdatasync; each append resolves only once its line is synced', async () => {
    const j = new FileJournal(dir);
    const runId = 'rgroupgroup01';
    await j.append(runId, { type: 'note', message: 'open' }); // not safety-relevant: written, not synced
    expect(j.stats).toMatchObject({ appends: 1, writes: 1, syncs: 0 });

    const syncedOnResolve: boolean[] = [];
    await Promise.all(Array.from({ length: 50 }, async (_, i) => {
      const e = await j.append(runId, { type: 'fault-injecting', fault: 'f', faultType: 'fake.break', target: target(i), params: {} });
      syncedOnResolve.push((await j.durableSeq(runId)) >= e.seq);
    }));
    // The first append starts a batch of its own; the other 49 arrive while it is written and form the next.
    expect(j.stats).toMatchObject({ appends: 51, writes: 3, syncs: 2 });
    expect(syncedOnResolve).toEqual(Array(50).fill(true));

    const events = await new FileJournal(dir).read(runId);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1)); // file order = seq order
    expect(events.filter((e) => e.type === 'fault-injecting').map((e) => (e as { target: Target }).target.id))
      .toEqual(Array.from({ length: 50 }, (_, i) => `t${i}`));
    await j.close();
  });
});

/** Remembers the seq of each target's `fault-injecting` record as the engine's append returns it. */
class RecordingJournal extends FileJournal {
  readonly injectingSeq = new Map<string, number>();
  override async append(runId: string, body: JournalEventBody): Promise<JournalEvent> {
    const e = await super.append(runId, body);
    if (e.type === 'fault-injecting') this.injectingSeq.set(e.target.id, e.seq);
    return e;
  }
}

describe('write-ahead under group commit (engine + FileJournal, 1,000 targets)', () => {
  it("every fault-injecting record is synced before its inject starts, and fsyncs are shared", async () => {
    const backend = new FakeBackend();
    backend.addTargets(1000);
    const journal = new RecordingJournal(dir);
    let runId = '';
    let checkedOnDisk = 0;
    let calls = 0;
    const seqOf = (events: readonly JournalEvent[], id: string) =>
      events.find((e) => e.type === 'fault-injecting' && e.target.id === id)?.seq;
    backend.injectHook = async (t) => {
      // The journal's own view: the fdatasync covering this target's record has completed.
      const durable = await journal.durableSeq(runId);
      const seq = journal.injectingSeq.get(t.id);
      if (seq === undefined || seq > durable) return new Error(`inject of ${t.id} started before its record (seq ${seq}) was synced (durable up to ${durable})`);
      // A fresh reader (as another process would read it): the record is in the file.
      if (++calls % 25 === 1) {
        if (seqOf(await new FileJournal(dir).read(runId), t.id) !== seq) return new Error(`inject of ${t.id} started before its fault-injecting record was in the file`);
        checkedOnDisk++;
      }
      return undefined;
    };
    const registry = createRegistry([fakePlugin(backend, { faults: [fakeFaultProvider(backend, 'fake.slow', { injectDelayMs: 1 })] })]);
    const engine = new Engine({ registry, journal });
    const run = engine.start(experiment({ durationMs: 10, faults: [{ name: 'slow', type: 'fake.slow' }] }));
    runId = run.runId;
    const result = await run.done;
    expect(result.outcome).toBe('completed');
    expect(checkedOnDisk).toBe(40);
    expect(backend.active.size).toBe(0);

    const events = await new FileJournal(dir).read(runId);
    const durableEvents = events.filter((e) => e.type !== 'probe' && e.type !== 'note').length;
    expect(events.filter((e) => e.type === 'fault-injecting').length).toBe(1000);
    expect(durableEvents).toBeGreaterThan(4000); // injecting, injected, reverting, reverted per target
    // One sync per event before group commit; 16 workers share syncs now (the ratio is reported by bench/).
    expect(journal.stats.syncs).toBeLessThan(durableEvents / 3);
    await journal.close();
  });
});

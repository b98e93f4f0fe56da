import fc from 'fast-check';
import { NotFoundError, replayJournal } from '@faultline/core';
import { describe, expect, it } from 'vitest';
import { describeEachBackend } from './testing/backends.js';
import { happyPath, runCreated, transition } from './testing/events.js';

describeEachBackend('journal', ({ fresh }) => {
  it('assigns seq 1..n in append order and reads events back in that order', async () => {
    const store = await (await fresh()).open();
    const e1 = await store.append('r000000000001', runCreated('checkout', { labels: { team: 'payments' } }));
    const e2 = await store.append('r000000000001', transition('pending', 'planning'));
    const e3 = await store.append('r000000000001', { type: 'note', message: 'hello', data: { n: 1 } });
    expect([e1.seq, e2.seq, e3.seq]).toEqual([1, 2, 3]);
    expect(e1.runId).toBe('r000000000001');
    expect(Date.parse(e1.at)).not.toBeNaN();
    const events = await store.read('r000000000001');
    expect(events).toEqual([e1, e2, e3]);
    expect(events[2]).toMatchObject({ type: 'note', message: 'hello', data: { n: 1 } });
    expect((await store.read('r000000000001', { afterSeq: 2 })).map((e) => e.seq)).toEqual([3]);
    expect(await store.read('r0000000000zz')).toEqual([]);
  });

  it('creates the run row from run-created (source, labels, dry run) and keeps a row created earlier', async () => {
    const store = await (await fresh()).open();
    await store.append('r000000000001', runCreated('checkout', { labels: { team: 'payments' }, source: 'cli', dryRun: true }));
    expect(await store.getRun('r000000000001')).toMatchObject({
      experiment: 'checkout', labels: { team: 'payments' }, source: 'cli', dryRun: true, state: 'pending', lastSeq: 1,
    });
    const api = await store.createRun({ experiment: 'checkout', source: 'api', labels: { env: 'staging' } });
    await store.append(api.runId, runCreated('checkout', { labels: { other: 'x' } }));
    expect(await store.getRun(api.runId)).toMatchObject({ source: 'api', labels: { env: 'staging' }, lastSeq: 1 });
    expect((await store.listRuns({ labels: { env: 'staging' } })).runs.map((r) => r.runId)).toEqual([api.runId]);
  });

  it('refuses events for an unknown run without a run-created first', async () => {
    const store = await (await fresh()).open();
    await expect(store.append('r0000000000zz', transition('pending', 'planning'))).rejects.toBeInstanceOf(NotFoundError);
    expect(await store.read('r0000000000zz')).toEqual([]);
  });

  it('moves the run row with transitions and the verdict, in the same transaction as the event', async () => {
    const store = await (await fresh()).open();
    const run = await store.createRun({ experiment: 'checkout', source: 'api' });
    await store.append(run.runId, runCreated('checkout'));
    for (let i = 1; i < happyPath.length - 1; i++) {
      await store.append(run.runId, transition(happyPath[i - 1]!, happyPath[i]!));
      const row = await store.getRun(run.runId);
      expect(row?.state).toBe(happyPath[i]);
      expect(row?.startedAt).toBeDefined();
      expect(row?.endedAt).toBeUndefined();
    }
    expect(await store.listUnfinishedRuns()).toEqual([run.runId]);
    await store.append(run.runId, transition('checking-after', 'completed'));
    await store.append(run.runId, {
      type: 'verdict', outcome: 'completed', reason: 'steady state held',
      timings: { startedAt: run.createdAt, endedAt: run.createdAt, durationMs: 0 },
    });
    const done = await store.getRun(run.runId);
    expect(done).toMatchObject({ state: 'completed', outcome: 'completed', reason: 'steady state held', lastSeq: happyPath.length + 1 });
    expect(done?.endedAt).toBeDefined();
    expect(await store.listUnfinishedRuns()).toEqual([]);
    // The row agrees with a replay of its own journal.
    expect(replayJournal(await store.read(run.runId))).toMatchObject({ state: done?.state, outcome: done?.outcome });
  });

  it('lists unfinished runs: non-terminal states including revert-pending, oldest first', async () => {
    const store = await (await fresh()).open();
    const ids = ['r00000000000a', 'r00000000000b', 'r00000000000c', 'r00000000000d'];
    for (const id of ids) await store.append(id, runCreated('x'));
    await store.append(ids[0]!, transition('pending', 'failed'));
    for (const [from, to] of [['pending', 'planning'], ['planning', 'checking-before'], ['checking-before', 'injecting'], ['injecting', 'holding']] as const) {
      await store.append(ids[1]!, transition(from, to));
    }
    for (const [from, to] of [['pending', 'planning'], ['planning', 'checking-before'], ['checking-before', 'injecting'], ['injecting', 'reverting'], ['reverting', 'revert-pending']] as const) {
      await store.append(ids[2]!, transition(from, to));
    }
    expect(await store.listUnfinishedRuns()).toEqual([ids[1], ids[2], ids[3]]);
  });

  it('keeps seq unique and gap-free under concurrent appenders, also from two store instances', async () => {
    const db = await fresh();
    const a = await db.open();
    const b = await db.open();
    await a.append('r000000000001', runCreated('x'));
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).append('r000000000001', { type: 'note', message: `n${i}` })),
    );
    const seqs = results.map((e) => e.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 2));
    const stored = await a.read('r000000000001');
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
    expect((await b.getRun('r000000000001'))?.lastSeq).toBe(41);
  });

  it('property: any interleaving of appends over several runs yields per-run seq 1..k in resolve order', async () => {
    const db = await fresh();
    const store = await db.open();
    const runIds = ['r0000000000p0', 'r0000000000p1', 'r0000000000p2'];
    for (const id of runIds) await store.append(id, runCreated('prop'));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: runIds.length - 1 }), { minLength: 1, maxLength: 25 }), async (picks) => {
        const before = await Promise.all(runIds.map(async (id) => (await store.getRun(id))!.lastSeq));
        const appended = await Promise.all(picks.map((i, n) => store.append(runIds[i]!, { type: 'note', message: `m${n}` })));
        for (const [i, id] of runIds.entries()) {
          const mine = appended.filter((e) => e.runId === id).map((e) => e.seq).sort((x, y) => x - y);
          const expected = Array.from({ length: mine.length }, (_, k) => before[i]! + k + 1);
          expect(mine).toEqual(expected);
          const stored = (await store.read(id, { afterSeq: before[i]! })).map((e) => e.seq);
          expect(stored).toEqual(expected);
        }
      }),
      { numRuns: 8 },
    );
  });

  it('makes an appended event visible to a new connection as soon as append resolves (committed)', async () => {
    const db = await fresh();
    const writer = await db.open();
    await writer.append('r000000000001', runCreated('durable'));
    const e = await writer.append('r000000000001', transition('pending', 'planning'));
    const reader = await db.open();
    expect(await reader.read('r000000000001')).toContainEqual(e);
    const rows = await db.query<{ seq: number }>('select seq from journal_events where run_id = ? order by seq', ['r000000000001']);
    expect(rows.map((r) => Number(r.seq))).toEqual([1, 2]);
  });
});

describe('journal store surface', () => {
  it('offers no way to update or delete events', async () => {
    const { openStore } = await import('./open-store.js');
    const store = await openStore(':memory:');
    const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(store));
    expect(methods.filter((m) => /event|journal/i.test(m) && /update|delete|remove|edit/i.test(m))).toEqual([]);
    await store.close();
  });
});

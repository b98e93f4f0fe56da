import { ConflictError, NotFoundError, UsageError } from '@faultline/core';
import { expect, it } from 'vitest';
import { IdempotencyConflictError } from './errors.js';
import { describeEachBackend } from './testing/backends.js';
import { manualClock } from './testing/clock.js';
import { transition } from './testing/events.js';

describeEachBackend('runs', ({ fresh }) => {
  it('creates a pending run with every field round-tripping', async () => {
    const store = await (await fresh()).open();
    const run = await store.createRun({
      runId: 'r0000000000a1', experiment: 'checkout', experimentVersion: 3, labels: { team: 'payments', env: 'prod' },
      source: 'schedule', dryRun: true, scheduleId: 'snightly', fencingToken: 7,
    });
    expect(run).toMatchObject({
      runId: 'r0000000000a1', experiment: 'checkout', experimentVersion: 3, labels: { team: 'payments', env: 'prod' }, state: 'pending',
      source: 'schedule', dryRun: true, scheduleId: 'snightly', fencingToken: 7, lastSeq: 0,
    });
    expect(run.outcome).toBeUndefined();
    expect(await store.getRun('r0000000000a1')).toEqual(run);
    expect(await store.getRun('r0000000000zz')).toBeUndefined();
    await expect(store.createRun({ runId: 'r0000000000a1', experiment: 'x', source: 'cli' })).rejects.toBeInstanceOf(ConflictError);
    await expect(store.createRun({ experiment: 'x', source: 'cron' as never })).rejects.toBeInstanceOf(UsageError);
  });

  it('records the fencing token of the lease a run was started under', async () => {
    const store = await (await fresh()).open();
    const run = await store.createRun({ experiment: 'x', source: 'schedule' });
    await store.setFencingToken(run.runId, 42);
    expect((await store.getRun(run.runId))?.fencingToken).toBe(42);
    await expect(store.setFencingToken('r0000000000zz', 1)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('creates exactly one run for 20 concurrent callers with the same Idempotency-Key (4 store instances)', async () => {
    const db = await fresh();
    const stores = await Promise.all([db.open(), db.open(), db.open(), db.open()]);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        stores[i % 4]!.createRunIdempotent({ key: 'ci-build-981', requestHash: 'h1', run: { experiment: 'checkout', source: 'api', labels: { ci: 'yes' } } }),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.run.runId)).size).toBe(1);
    const rows = await db.query<{ n: number }>('select count(*) as n from runs where idempotency_key = ?', ['ci-build-981']);
    expect(Number(rows[0]?.n)).toBe(1);
    expect(Number((await db.query<{ n: number }>('select count(*) as n from runs'))[0]?.n)).toBe(1);
    expect((await stores[0]!.listRuns({ labels: { ci: 'yes' } })).runs).toHaveLength(1);
  });

  it('returns the same run for the same key and hash, and a typed conflict for a different hash', async () => {
    const store = await (await fresh()).open();
    const first = await store.createRunIdempotent({ key: 'k1', requestHash: 'sha-a', run: { experiment: 'checkout', source: 'api' } });
    expect(first.created).toBe(true);
    expect(first.run).toMatchObject({ idempotencyKey: 'k1', requestHash: 'sha-a' });
    const again = await store.createRunIdempotent({ key: 'k1', requestHash: 'sha-a', run: { experiment: 'checkout', source: 'api' } });
    expect(again).toEqual({ run: first.run, created: false });
    const err = await store.createRunIdempotent({ key: 'k1', requestHash: 'sha-b', run: { experiment: 'checkout', source: 'api' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IdempotencyConflictError);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ code: 'FL_CONFLICT', idempotencyKey: 'k1', runId: first.run.runId });
    expect((err as Error).message).toContain('k1');
    const other = await store.createRunIdempotent({ key: 'k2', requestHash: 'sha-b', run: { experiment: 'checkout', source: 'api' } });
    expect(other.created).toBe(true);
    expect(other.run.runId).not.toBe(first.run.runId);
  });

  it('lists newest first with filters by state, experiment and labels, paged by an opaque cursor', async () => {
    const clock = manualClock();
    const store = await (await fresh()).open({ clock });
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      clock.advance(1000);
      const r = await store.createRun({
        experiment: i % 2 ? 'checkout' : 'search', labels: { team: i < 4 ? 'payments' : 'discovery', idx: String(i) }, source: 'api',
      });
      made.push(r.runId);
    }
    // Two runs in the same millisecond must still page without loss or duplicates.
    const twin = await store.createRun({ experiment: 'search', source: 'api' });
    made.push(twin.runId);
    await store.append(made[1]!, transition('pending', 'planning'));

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.listRuns({ limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.runs.map((r) => r.runId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(8);
    expect(seen.slice(2)).toEqual([...made.slice(0, 6)].reverse());

    expect((await store.listRuns({ experiment: 'checkout' })).runs.map((r) => r.runId)).toEqual([made[5], made[3], made[1]]);
    expect((await store.listRuns({ state: 'planning' })).runs.map((r) => r.runId)).toEqual([made[1]]);
    expect((await store.listRuns({ state: ['planning', 'pending'] })).runs).toHaveLength(8);
    expect((await store.listRuns({ state: [] })).runs).toEqual([]);
    expect((await store.listRuns({ labels: { team: 'payments', idx: '2' } })).runs.map((r) => r.runId)).toEqual([made[2]]);
    expect((await store.listRuns({ labels: { team: 'payments' }, experiment: 'search' })).runs.map((r) => r.runId)).toEqual([made[2], made[0]]);
    expect((await store.listRuns({ labels: { team: 'nobody' } })).runs).toEqual([]);

    await expect(store.listRuns({ cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(UsageError);
    await expect(store.listRuns({ limit: 0 })).rejects.toBeInstanceOf(UsageError);
    await expect(store.listRuns({ state: 'exploded' as never })).rejects.toBeInstanceOf(UsageError);
  });
});

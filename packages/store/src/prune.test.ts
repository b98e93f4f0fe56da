import { ConflictError, NotFoundError, UsageError, type RunState } from '@faultline/core';
import { expect, it } from 'vitest';
import { describeEachBackend } from './testing/backends.js';
import { manualClock } from './testing/clock.js';
import { runCreated, transition } from './testing/events.js';
import type { Store } from './store.js';

/** Walks a run through legal transitions to `path`'s last state, one second per step. */
async function runTo(store: Store, clock: ReturnType<typeof manualClock>, runId: string, path: RunState[], labels: Record<string, string> = {}): Promise<void> {
  await store.createRun({ runId, experiment: 'checkout', source: 'api', labels });
  await store.append(runId, runCreated('checkout', { labels }));
  for (let i = 1; i < path.length; i++) {
    clock.advance(1000);
    await store.append(runId, transition(path[i - 1]!, path[i]!));
  }
}
const finished: RunState[] = ['pending', 'planning', 'checking-before', 'injecting', 'holding', 'reverting', 'checking-after', 'completed'];
const holding: RunState[] = ['pending', 'planning', 'checking-before', 'injecting', 'holding'];
const revertPending: RunState[] = ['pending', 'planning', 'checking-before', 'injecting', 'holding', 'reverting', 'revert-pending'];

describeEachBackend('deleting and pruning runs', ({ fresh }) => {
  it('deletes a finished run with its journal and labels, and refuses active and revert-pending runs', async () => {
    const clock = manualClock();
    const db = await fresh();
    const store = await db.open({ clock });
    await runTo(store, clock, 'r0000000000d1', finished, { team: 'payments' });
    await runTo(store, clock, 'r0000000000d2', holding);
    await runTo(store, clock, 'r0000000000d3', revertPending);
    await store.deleteRun('r0000000000d1');
    expect(await store.getRun('r0000000000d1')).toBeUndefined();
    expect(await store.read('r0000000000d1')).toEqual([]);
    expect(Number((await db.query<{ n: number }>('select count(*) as n from run_labels where run_id = ?', ['r0000000000d1']))[0]?.n)).toBe(0);
    expect(Number((await db.query<{ n: number }>('select count(*) as n from journal_events where run_id = ?', ['r0000000000d1']))[0]?.n)).toBe(0);
    await expect(store.deleteRun('r0000000000d1')).rejects.toBeInstanceOf(NotFoundError);
    const active = await store.deleteRun('r0000000000d2').catch((e: unknown) => e);
    expect(active).toBeInstanceOf(ConflictError);
    expect((active as Error).message).toContain('holding');
    const pending = await store.deleteRun('r0000000000d3').catch((e: unknown) => e);
    expect(pending).toBeInstanceOf(ConflictError);
    expect((pending as ConflictError).hint).toContain('faults may still be in');
    expect((await store.getRun('r0000000000d2'))?.state).toBe('holding');
    expect((await store.getRun('r0000000000d3'))?.state).toBe('revert-pending');
    expect((await store.read('r0000000000d3')).length).toBe(revertPending.length);
  });

  it('prunes by age and by count, counts first on a dry run, and never touches unfinished runs', async () => {
    const clock = manualClock('2030-01-01T00:00:00.000Z');
    const store = await (await fresh()).open({ clock });
    // Six finished runs, one a day, with an active and a revert-pending run among them.
    const ids = ['r0000000000p1', 'r0000000000p2', 'r0000000000p3', 'r0000000000p4', 'r0000000000p5', 'r0000000000p6'];
    for (const [i, id] of ids.entries()) {
      await runTo(store, clock, id, finished);
      if (i === 1) await runTo(store, clock, 'r0000000000a1', holding);
      if (i === 2) await runTo(store, clock, 'r0000000000a2', revertPending);
      clock.advance(86_400_000);
    }
    // Ended before the fourth day: p1, p2, p3.
    const cutoff = '2030-01-04T00:00:00.000Z';
    const dry = await store.pruneRuns({ endedBefore: cutoff, dryRun: true });
    expect(dry).toEqual({ count: 3, runIds: ['r0000000000p3', 'r0000000000p2', 'r0000000000p1'], dryRun: true });
    expect((await store.listRuns({ limit: 500 })).runs).toHaveLength(8);
    // keep wins over age: the 4 newest finished runs stay, so of p1..p3 only p1 and p2 go.
    expect(await store.pruneRuns({ endedBefore: cutoff, keep: 4, dryRun: true })).toMatchObject({ count: 2 });
    const done = await store.pruneRuns({ endedBefore: cutoff, keep: 4 });
    expect(done).toEqual({ count: 2, runIds: ['r0000000000p2', 'r0000000000p1'], dryRun: false });
    // keep alone: everything finished beyond the newest 1.
    expect(await store.pruneRuns({ keep: 1 })).toMatchObject({ count: 3, runIds: ['r0000000000p5', 'r0000000000p4', 'r0000000000p3'] });
    // keep 0 and no age limit: every finished run; the unfinished ones stay.
    expect(await store.pruneRuns({ keep: 0 })).toMatchObject({ count: 1, runIds: ['r0000000000p6'] });
    expect((await store.listRuns({ limit: 500 })).runs.map((r) => [r.runId, r.state]).sort()).toEqual([['r0000000000a1', 'holding'], ['r0000000000a2', 'revert-pending']]);
    expect((await store.read('r0000000000a2')).length).toBe(revertPending.length);
  });

  it('refuses a prune without a criterion or with a bad one', async () => {
    const store = await (await fresh()).open();
    await expect(store.pruneRuns({})).rejects.toBeInstanceOf(UsageError);
    await expect(store.pruneRuns({ keep: -1 })).rejects.toBeInstanceOf(UsageError);
    await expect(store.pruneRuns({ keep: 1.5 })).rejects.toBeInstanceOf(UsageError);
    await expect(store.pruneRuns({ endedBefore: 'last tuesday' })).rejects.toBeInstanceOf(UsageError);
  });
});

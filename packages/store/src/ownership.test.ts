import { RunOwnershipLostError } from '@faultline/core';
import { expect, it } from 'vitest';
import { describeEachBackend } from './testing/backends.js';
import { manualClock } from './testing/clock.js';

const transition = (from: string, to: string) => ({ type: 'transition', from, to } as never);

describeEachBackend('run ownership', ({ fresh }) => {
  it('an owned run is renewed by its owner, not adoptable while renewed, adopted by exactly one replica once expired (token bumped)', async () => {
    const clock = manualClock();
    const db = await fresh();
    const [a, b, c] = await Promise.all([db.open({ clock }), db.open({ clock }), db.open({ clock })]);
    const run = await a!.createRun({ experiment: 'e', source: 'api', owner: { replica: 'a', ttlMs: 3000 } });
    expect(run.owner).toEqual({ replica: 'a', token: 1, renewedAt: clock.now().toISOString(), expiresAt: new Date(clock.now().getTime() + 3000).toISOString() });
    await a!.append(run.runId, transition('pending', 'planning'), { replica: 'a', token: 1 });
    expect(await b!.listAdoptableRuns()).toEqual([]);

    clock.advance(2000);
    expect(await a!.renewRunOwnership('a', [{ runId: run.runId, token: 1 }], 3000)).toEqual([run.runId]);
    clock.advance(2000); // 4 s after creation, 2 s after the renewal: still owned
    expect(await b!.listAdoptableRuns()).toEqual([]);
    expect(await b!.adoptRun({ runId: run.runId, replica: 'b', expectedToken: 1, ttlMs: 3000 })).toBeUndefined();

    clock.advance(1000); // a stopped renewing: expired
    const [adoptable] = await b!.listAdoptableRuns();
    expect(adoptable).toMatchObject({ runId: run.runId, state: 'planning', token: 1, owner: { replica: 'a', token: 1 } });
    // Two replicas race for it: one conditional UPDATE decides.
    const [wb, wc] = await Promise.all([
      b!.adoptRun({ runId: run.runId, replica: 'b', expectedToken: 1, ttlMs: 3000 }),
      c!.adoptRun({ runId: run.runId, replica: 'c', expectedToken: 1, ttlMs: 3000 }),
    ]);
    const winners = [wb, wc].filter((w) => w !== undefined);
    expect(winners).toHaveLength(1);
    expect(winners[0]!.token).toBe(2);
    const winner = winners[0]!.replica;

    // The old owner wakes up: it can neither renew nor write the journal.
    expect(await a!.renewRunOwnership('a', [{ runId: run.runId, token: 1 }], 3000)).toEqual([]);
    await expect(a!.append(run.runId, transition('planning', 'checking-before'), { replica: 'a', token: 1 }))
      .rejects.toThrow(RunOwnershipLostError);
    await expect(a!.append(run.runId, transition('planning', 'checking-before'), { replica: 'a', token: 1 }))
      .rejects.toThrow(new RegExp(`replica ${winner} adopted it \\(token 2\\)`));
    expect((await a!.read(run.runId)).map((e) => e.seq)).toEqual([1]);
    // The adopter writes under the new token.
    await a!.append(run.runId, transition('planning', 'failed'), { replica: winner, token: 2 });
    expect((await a!.getRun(run.runId))?.state).toBe('failed');
    expect(await b!.listAdoptableRuns()).toEqual([]); // finished runs are never adoptable
  });

  it('an owner whose lease expired (paused) is refused at its next journal write even before anyone adopts', async () => {
    const clock = manualClock();
    const db = await fresh();
    const a = await db.open({ clock });
    const run = await a.createRun({ experiment: 'e', source: 'api', owner: { replica: 'a', ttlMs: 1000 } });
    clock.advance(1500);
    await expect(a.append(run.runId, transition('pending', 'planning'), { replica: 'a', token: 1 })).rejects.toThrow(/its owner lease expired at/);
    expect(await a.renewRunOwnership('a', [{ runId: run.runId, token: 1 }], 1000)).toEqual([]);
  });

  it('runs without an owner (older versions, CLI) are adoptable at once with token 0; release hands a run over', async () => {
    const clock = manualClock();
    const db = await fresh();
    const a = await db.open({ clock });
    const legacy = await a.createRun({ experiment: 'old', source: 'api' });
    expect(await a.listAdoptableRuns()).toEqual([{ runId: legacy.runId, state: 'pending', token: 0 }]);
    expect(await a.adoptRun({ runId: legacy.runId, replica: 'b', expectedToken: 0, ttlMs: 1000 })).toMatchObject({ replica: 'b', token: 1 });

    const owned = await a.createRun({ experiment: 'e', source: 'api', owner: { replica: 'a', ttlMs: 60_000 } });
    await a.releaseRunOwnership(owned.runId, { replica: 'x', token: 1 }); // not the owner: no-op
    expect((await a.listAdoptableRuns()).map((r) => r.runId)).toEqual([]);
    await a.releaseRunOwnership(owned.runId, { replica: 'a', token: 1 });
    expect((await a.listAdoptableRuns()).map((r) => r.runId)).toEqual([owned.runId]);
  });
});

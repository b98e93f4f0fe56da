import { UsageError } from '@faultline/core';
import { expect, it } from 'vitest';
import { describeEachBackend } from './testing/backends.js';
import { manualClock } from './testing/clock.js';

describeEachBackend('leases', ({ fresh }) => {
  it('hands a lease between two holders with strictly increasing fencing tokens', async () => {
    const clock = manualClock();
    const db = await fresh();
    // Two replicas, each with its own store instance, sharing one clock.
    const [a, b] = await Promise.all([db.open({ clock }), db.open({ clock })]);

    const la = await a!.tryAcquire('scheduler', 'replica-a', 15_000);
    expect(la).toMatchObject({ name: 'scheduler', holder: 'replica-a' });
    expect(la!.expiresAt.getTime()).toBe(clock.now().getTime() + 15_000);
    expect(await b!.tryAcquire('scheduler', 'replica-b', 15_000)).toBeUndefined();
    expect(await b!.isCurrent('scheduler', la!.fencingToken)).toBe(true);

    clock.advance(10_000);
    const renewed = await a!.tryAcquire('scheduler', 'replica-a', 15_000);
    expect(renewed?.fencingToken).toBe(la!.fencingToken);
    expect(renewed!.expiresAt.getTime()).toBe(clock.now().getTime() + 15_000);

    clock.advance(15_000); // a stopped renewing: expired
    expect(await a!.isCurrent('scheduler', la!.fencingToken)).toBe(false);
    const lb = await b!.tryAcquire('scheduler', 'replica-b', 15_000);
    expect(lb?.holder).toBe('replica-b');
    expect(lb!.fencingToken).toBeGreaterThan(la!.fencingToken);
    expect(await a!.isCurrent('scheduler', la!.fencingToken)).toBe(false);
    expect(await a!.isCurrent('scheduler', lb!.fencingToken)).toBe(true);
    expect(await a!.tryAcquire('scheduler', 'replica-a', 15_000)).toBeUndefined();

    await a!.release('scheduler', 'replica-a'); // not the holder: no-op
    expect(await a!.isCurrent('scheduler', lb!.fencingToken)).toBe(true);
    await b!.release('scheduler', 'replica-b');
    expect(await a!.isCurrent('scheduler', lb!.fencingToken)).toBe(false);
    const la2 = await a!.tryAcquire('scheduler', 'replica-a', 15_000);
    expect(la2!.fencingToken).toBeGreaterThan(lb!.fencingToken);
    // The same holder coming back after its own lease expired also gets a new token.
    clock.advance(20_000);
    const la3 = await a!.tryAcquire('scheduler', 'replica-a', 15_000);
    expect(la3!.fencingToken).toBeGreaterThan(la2!.fencingToken);
  });

  it('lets exactly one of many concurrent contenders win, and keeps leases independent by name', async () => {
    const clock = manualClock();
    const db = await fresh();
    const stores = await Promise.all([db.open({ clock }), db.open({ clock }), db.open({ clock })]);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => stores[i % 3]!.tryAcquire('leader', `h${i}`, 5000)));
    const winners = results.filter((r) => r !== undefined);
    expect(winners).toHaveLength(1);
    expect(await stores[0]!.tryAcquire('other', 'h99', 5000)).toMatchObject({ holder: 'h99', fencingToken: 1 });
    expect(await stores[0]!.isCurrent('leader', winners[0]!.fencingToken)).toBe(true);
    expect(await stores[0]!.isCurrent('missing', 1)).toBe(false);
  });

  it('rejects a non-positive TTL', async () => {
    const store = await (await fresh()).open();
    await expect(store.tryAcquire('x', 'h', 0)).rejects.toBeInstanceOf(UsageError);
  });
});

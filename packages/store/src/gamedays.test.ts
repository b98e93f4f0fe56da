import { isOwnershipLost, NotFoundError } from '@faultline/core';
import { expect, it } from 'vitest';
import { gameDayLeaseName } from './tables/gamedays.js';
import { describeEachBackend } from './testing/backends.js';
import { manualClock } from './testing/clock.js';

const created = (name: string) => ({ type: 'day-created', day: { metadata: { name } }, source: 'api', host: 'h', pid: 1, unattended: false });

describeEachBackend('game days', ({ fresh }) => {
  it('keeps a day and its journal across reopen: seq per day, the row follows day-created and day-ended, events by step', async () => {
    const clock = manualClock();
    const db = await fresh();
    const store = await db.open({ clock });
    expect(await store.appendDayEvent('d000000000001', created('q3'))).toMatchObject({ seq: 1, dayId: 'd000000000001', type: 'day-created' });
    await store.appendDayEvent('d000000000002', created('q4'));
    await store.appendDayEvent('d000000000001', { type: 'step-started', step: 0, kind: 'gate', title: 'Paged?' });
    await store.appendDayEvent('d000000000001', { type: 'note', step: 0, text: 'pager went off at 10:02', by: 'bob' });
    clock.advance(1000);
    await store.appendDayEvent('d000000000001', { type: 'gate-answered', step: 0, answer: 'go', by: 'alice' });
    await store.appendDayEvent('d000000000001', { type: 'note', text: 'between steps', by: 'carol' });
    expect((await store.getGameDay('d000000000001'))).toMatchObject({ name: 'q3', state: 'running', lastSeq: 5 });
    await store.appendDayEvent('d000000000001', { type: 'day-ended', outcome: 'passed', reason: 'every step as expected' });
    await store.close();

    const again = await db.open({ clock });
    const day = await again.getGameDay('d000000000001');
    expect(day).toMatchObject({ dayId: 'd000000000001', name: 'q3', state: 'ended', outcome: 'passed', reason: 'every step as expected', lastSeq: 6, endedAt: clock.now().toISOString() });
    const events = await again.readDayEvents('d000000000001');
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events[3]).toMatchObject({ type: 'gate-answered', answer: 'go', by: 'alice', dayId: 'd000000000001' });
    expect((await again.readDayEvents('d000000000001', { step: 0 })).map((e) => e.type)).toEqual(['step-started', 'note', 'gate-answered']);
    expect(await again.readDayEvents('d000000000009')).toEqual([]);
    expect((await again.listGameDays()).map((d) => d.dayId).sort()).toEqual(['d000000000001', 'd000000000002']);
    expect((await again.listGameDays({ state: 'running' })).map((d) => d.dayId)).toEqual(['d000000000002']);
    await expect(again.appendDayEvent('d000000000009', { type: 'note', text: 'x', by: 'y' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('gives gap-free seqs to concurrent appenders of one day', async () => {
    const db = await fresh();
    const [a, b] = await Promise.all([db.open(), db.open()]);
    await a!.appendDayEvent('d000000000003', created('busy'));
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a! : b!).appendDayEvent('d000000000003', { type: 'note', text: `n${i}`, by: 'p' })));
    const seqs = (await a!.readDayEvents('d000000000003')).map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
  });

  it('refuses fenced appends once the day lease expired or moved to another replica, and writes nothing then', async () => {
    const clock = manualClock();
    const db = await fresh();
    const [a, b] = await Promise.all([db.open({ clock }), db.open({ clock })]);
    const name = gameDayLeaseName('d000000000004');
    const la = await a!.tryAcquire(name, 'replica-a', 10_000);
    expect(await b!.getLease(name)).toMatchObject({ holder: 'replica-a', fencingToken: la!.fencingToken });
    await a!.appendDayEvent('d000000000004', created('fenced'), { token: la!.fencingToken });
    clock.advance(10_001);
    expect(await b!.getLease(name)).toBeUndefined();
    const expired = await a!.appendDayEvent('d000000000004', { type: 'note', text: 'late', by: 'a' }, { token: la!.fencingToken }).catch((e: unknown) => e);
    expect(isOwnershipLost(expired)).toBe(true);
    const lb = await b!.tryAcquire(name, 'replica-b', 10_000);
    expect(lb!.fencingToken).toBeGreaterThan(la!.fencingToken);
    await b!.appendDayEvent('d000000000004', { type: 'resumed', by: 'alice' }, { token: lb!.fencingToken });
    const stale = await a!.appendDayEvent('d000000000004', { type: 'note', text: 'stale', by: 'a' }, { token: la!.fencingToken }).catch((e: unknown) => e);
    expect(isOwnershipLost(stale)).toBe(true);
    expect((stale as Error).message).toContain('replica-b');
    expect((await b!.readDayEvents('d000000000004')).map((e) => e.type)).toEqual(['day-created', 'resumed']);
  });
});

import { ConflictError, NotFoundError } from '@faultline/core';
import { expect, it } from 'vitest';
import { describeEachBackend } from './testing/backends.js';
import { manualClock } from './testing/clock.js';

describeEachBackend('schedules', ({ fresh }) => {
  it('creates, reads, updates, pauses and deletes schedules; names are unique', async () => {
    const clock = manualClock();
    const store = await (await fresh()).open({ clock });
    const body = { cron: '0 3 * * *', timezone: 'Europe/Berlin', experiment: 'checkout' };
    const s = await store.createSchedule({ name: 'nightly', body });
    expect(s).toMatchObject({ name: 'nightly', body, paused: false, createdAt: clock.now().toISOString() });
    expect(s.lastFire).toBeUndefined();
    expect(await store.getSchedule(s.scheduleId)).toEqual(s);
    await expect(store.createSchedule({ name: 'nightly', body })).rejects.toBeInstanceOf(ConflictError);
    const other = await store.createSchedule({ name: 'hourly', body: { cron: '0 * * * *' }, paused: true });
    expect((await store.listSchedules()).map((x) => x.name)).toEqual(['hourly', 'nightly']);

    clock.advance(1000);
    const paused = await store.updateSchedule(s.scheduleId, { paused: true, body: { ...body, cron: '0 4 * * *' } });
    expect(paused).toMatchObject({ paused: true, body: { cron: '0 4 * * *' }, name: 'nightly', updatedAt: clock.now().toISOString(), createdAt: s.createdAt });
    await expect(store.updateSchedule(other.scheduleId, { name: 'nightly' })).rejects.toBeInstanceOf(ConflictError);
    await expect(store.updateSchedule('snope', { paused: false })).rejects.toBeInstanceOf(NotFoundError);

    await store.deleteSchedule(other.scheduleId);
    expect(await store.getSchedule(other.scheduleId)).toBeUndefined();
    await expect(store.deleteSchedule(other.scheduleId)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('records fire history with decisions and keeps the last fire on the schedule', async () => {
    const clock = manualClock();
    const store = await (await fresh()).open({ clock });
    const s = await store.createSchedule({ name: 'nightly', body: { cron: '0 3 * * *' } });
    const fires = [];
    clock.advance(60_000);
    fires.push(await store.recordScheduleFire({ scheduleId: s.scheduleId, decision: 'started', runId: 'r000000000001' }));
    clock.advance(60_000);
    fires.push(await store.recordScheduleFire({ scheduleId: s.scheduleId, decision: 'skipped', reason: 'previous run still active (forbid)' }));
    fires.push(await store.recordScheduleFire({ scheduleId: s.scheduleId, decision: 'skipped', reason: 'blackout: 2030-12-24', at: new Date('2030-12-24T03:00:00Z') }));
    expect(fires[0]).toMatchObject({ scheduleId: s.scheduleId, decision: 'started', runId: 'r000000000001', at: '2030-01-01T00:01:00.000Z' });
    expect(fires[1]?.runId).toBeUndefined();

    expect(await store.listScheduleFires(s.scheduleId)).toEqual([...fires].reverse());
    expect(await store.listScheduleFires(s.scheduleId, { limit: 1, before: fires[2]!.fireId })).toEqual([fires[1]]);
    expect((await store.getSchedule(s.scheduleId))?.lastFire).toEqual({ at: '2030-12-24T03:00:00.000Z', decision: 'skipped', reason: 'blackout: 2030-12-24' });

    await expect(store.recordScheduleFire({ scheduleId: 'snope', decision: 'started' })).rejects.toBeInstanceOf(NotFoundError);
    await store.deleteSchedule(s.scheduleId);
    expect(await store.listScheduleFires(s.scheduleId)).toHaveLength(3);
  });
});

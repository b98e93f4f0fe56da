import type { JsonObject } from '@faultline/core';
import type { DayEvent, DayEventBody, DayJournal } from '@faultline/gameday';
import type { DayFence, Store } from '@faultline/store';

/**
 * Game-day journal in the controller's store (SQLite or PostgreSQL), so a day survives a restart. Appends
 * carry the fence of the replica driving the day (the token of its `gameday:<id>` lease); a replica that
 * lost the day gets the store's ownership-lost error and its runner stops (its run reverts).
 */
export class StoreDayJournal implements DayJournal {
  constructor(private readonly store: Store, private readonly fenceOf: (dayId: string) => DayFence | undefined) {}

  async append(dayId: string, body: DayEventBody): Promise<DayEvent> {
    const fence = this.fenceOf(dayId);
    return (await this.store.appendDayEvent(dayId, body as unknown as JsonObject, fence)) as unknown as DayEvent;
  }

  /** ENOENT-coded error for an unknown day, like the file journal. */
  async read(dayId: string): Promise<DayEvent[]> {
    const events = await this.store.readDayEvents(dayId);
    if (!events.length) throw Object.assign(new Error(`no game day ${dayId}`), { code: 'ENOENT' });
    return events as unknown as DayEvent[];
  }

  async listDays(): Promise<string[]> {
    return (await this.store.listGameDays({ limit: 1000 })).map((d) => d.dayId).sort();
  }
}

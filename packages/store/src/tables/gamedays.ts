import { NotFoundError, RunOwnershipLostError, UsageError, type JsonObject } from '@faultline/core';
import type { Selectable } from 'kysely';
import type { GameDaysTable } from '../database.js';
import { nowIso, type StoreContext } from '../context.js';
import type { DayFence, GameDayRecord, StoredDayEvent } from '../store.js';

/** The lease that says which controller replica drives a game day. */
export function gameDayLeaseName(dayId: string): string {
  return `gameday:${dayId}`;
}

function toRecord(row: Selectable<GameDaysTable>): GameDayRecord {
  return {
    dayId: row.id,
    name: row.name,
    state: row.state === 'ended' ? 'ended' : 'running',
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastSeq: Number(row.last_seq),
    ...(row.outcome !== null ? { outcome: row.outcome } : {}),
    ...(row.reason !== null ? { reason: row.reason } : {}),
    ...(row.ended_at !== null ? { endedAt: row.ended_at } : {}),
  };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Appends one game-day event in one transaction: a `day-created` event creates the day's row (its name from
 * `day.metadata.name`), `day-ended` marks it ended with its outcome; seq is gap-free per day (the row's
 * last_seq is bumped under the row lock). With `fence`, the append commits only while the fence's lease
 * is current (same token, not expired), else GameDayOwnershipLostError: a replica that lost the day
 * cannot write to it any more (the
 * error has core's ownership-lost code, like a run's).
 */
export async function appendDayEvent(ctx: StoreContext, dayId: string, body: JsonObject, fence?: DayFence): Promise<StoredDayEvent> {
  const type = str(body['type']);
  if (!type) throw new UsageError(`game-day event for day ${dayId} has no type`);
  const at = nowIso(ctx);
  return ctx.transact(async (trx) => {
    if (fence) {
      const lease = await trx.selectFrom('leases').select(['fencing_token', 'holder', 'expires_at']).where('name', '=', gameDayLeaseName(dayId)).executeTakeFirst();
      if (!lease || Number(lease.fencing_token) !== fence.token || lease.holder === null || lease.expires_at <= at) {
        throw new RunOwnershipLostError(
          `game day ${dayId} is no longer driven by this replica (lease token ${fence.token}; now ${lease ? `${lease.holder ?? 'nobody'} with token ${Number(lease.fencing_token)}, expires ${lease.expires_at}` : 'no lease'})`,
          { hint: 'Another replica resumed the day, or this one stopped renewing its lease; follow the day there.' },
        );
      }
    }
    if (type === 'day-created') {
      const day = body['day'] as JsonObject | undefined;
      const name = str((day?.['metadata'] as JsonObject | undefined)?.['name']) ?? dayId;
      await trx.insertInto('gamedays')
        .values({ id: dayId, name, state: 'running', outcome: null, reason: null, created_at: at, updated_at: at, ended_at: null, last_seq: 0 })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    }
    const updated = await trx
      .updateTable('gamedays')
      .set((eb) => ({
        last_seq: eb('last_seq', '+', 1),
        updated_at: at,
        ...(type === 'day-ended' ? { state: 'ended', ended_at: at, outcome: str(body['outcome']) ?? null, reason: str(body['reason']) ?? null } : {}),
      }))
      .where('id', '=', dayId)
      .returning('last_seq')
      .executeTakeFirst();
    if (!updated) throw new NotFoundError(`cannot append a ${type} event: game day ${dayId} does not exist`, { hint: 'Start a day\'s journal with a day-created event.' });
    const seq = Number(updated.last_seq);
    const step = typeof body['step'] === 'number' ? body['step'] : null;
    await trx.insertInto('gameday_events').values({ day_id: dayId, seq, at, type, step, body: JSON.stringify(body) }).execute();
    return { ...body, seq, at, dayId } as StoredDayEvent;
  });
}

/** Events in seq order; `step` limits them to one step's events (answers, ticks, notes). */
export async function readDayEvents(ctx: StoreContext, dayId: string, options: { step?: number } = {}): Promise<StoredDayEvent[]> {
  let q = ctx.db.selectFrom('gameday_events').select(['seq', 'at', 'body']).where('day_id', '=', dayId);
  if (options.step !== undefined) q = q.where('step', '=', options.step);
  const rows = await q.orderBy('seq').execute();
  return rows.map((r) => ({ ...(JSON.parse(r.body) as JsonObject), seq: Number(r.seq), at: r.at, dayId }) as StoredDayEvent);
}

export async function getGameDay(ctx: StoreContext, dayId: string): Promise<GameDayRecord | undefined> {
  const row = await ctx.db.selectFrom('gamedays').selectAll().where('id', '=', dayId).executeTakeFirst();
  return row && toRecord(row);
}

/** Newest first; `state` filters (running: not ended, whether driven or stopped). */
export async function listGameDays(ctx: StoreContext, options: { state?: 'running' | 'ended'; limit?: number } = {}): Promise<GameDayRecord[]> {
  const limit = options.limit ?? 200;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`game-day list limit ${limit} is out of range`, { hint: 'Use an integer from 1 to 1000.' });
  let q = ctx.db.selectFrom('gamedays').selectAll();
  if (options.state) q = q.where('state', '=', options.state);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toRecord);
}

import { randomBytes } from 'node:crypto';
import { ConflictError, NotFoundError, UsageError, type JsonObject } from '@faultline/core';
import type { Selectable } from 'kysely';
import type { ScheduleFiresTable, SchedulesTable } from '../database.js';
import { nowIso, type StoreContext } from '../context.js';
import { isUniqueViolation } from '../errors.js';
import type { FireDecision, ScheduleFire, ScheduleRecord } from '../store.js';

function newScheduleId(): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
  let id = 's';
  for (const b of randomBytes(12)) id += alphabet[b % 36];
  return id;
}

function toScheduleRecord(row: Selectable<SchedulesTable>): ScheduleRecord {
  return {
    scheduleId: row.id,
    name: row.name,
    body: JSON.parse(row.body) as JsonObject,
    paused: row.paused === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.last_fire_at !== null && row.last_decision !== null
      ? {
          lastFire: {
            at: row.last_fire_at,
            decision: row.last_decision as FireDecision,
            ...(row.last_reason !== null ? { reason: row.last_reason } : {}),
            ...(row.last_run_id !== null ? { runId: row.last_run_id } : {}),
          },
        }
      : {}),
  };
}

function toScheduleFire(row: Selectable<ScheduleFiresTable>): ScheduleFire {
  return {
    fireId: Number(row.id),
    scheduleId: row.schedule_id,
    at: row.at,
    decision: row.decision as FireDecision,
    ...(row.reason !== null ? { reason: row.reason } : {}),
    ...(row.run_id !== null ? { runId: row.run_id } : {}),
  };
}

function nameTaken(name: string, err: unknown): ConflictError {
  return new ConflictError(`a schedule named "${name}" already exists`, { cause: err, hint: 'Pick another name or update the existing schedule.' });
}

export async function createSchedule(
  ctx: StoreContext,
  input: { scheduleId?: string; name: string; body: JsonObject; paused?: boolean },
): Promise<ScheduleRecord> {
  if (!input.name) throw new UsageError('a schedule needs a name');
  const at = nowIso(ctx);
  const row = {
    id: input.scheduleId ?? newScheduleId(),
    name: input.name,
    body: JSON.stringify(input.body),
    paused: input.paused ? 1 : 0,
    created_at: at,
    updated_at: at,
    last_fire_at: null,
    last_decision: null,
    last_reason: null,
    last_run_id: null,
  };
  try {
    await ctx.db.insertInto('schedules').values(row).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name, err);
    throw err;
  }
  return toScheduleRecord(row);
}

export async function getSchedule(ctx: StoreContext, scheduleId: string): Promise<ScheduleRecord | undefined> {
  const row = await ctx.db.selectFrom('schedules').selectAll().where('id', '=', scheduleId).executeTakeFirst();
  return row && toScheduleRecord(row);
}

export async function listSchedules(ctx: StoreContext): Promise<ScheduleRecord[]> {
  const rows = await ctx.db.selectFrom('schedules').selectAll().orderBy('name').execute();
  return rows.map(toScheduleRecord);
}

function notFound(scheduleId: string): NotFoundError {
  return new NotFoundError(`schedule ${scheduleId} does not exist`, { hint: 'List schedules to see their ids.' });
}

export async function updateSchedule(
  ctx: StoreContext,
  scheduleId: string,
  patch: { name?: string; body?: JsonObject; paused?: boolean },
): Promise<ScheduleRecord> {
  if (patch.name === '') throw new UsageError('a schedule name cannot be empty');
  try {
    const res = await ctx.db
      .updateTable('schedules')
      .set({
        updated_at: nowIso(ctx),
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.body !== undefined ? { body: JSON.stringify(patch.body) } : {}),
        ...(patch.paused !== undefined ? { paused: patch.paused ? 1 : 0 } : {}),
      })
      .where('id', '=', scheduleId)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw notFound(scheduleId);
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(patch.name ?? '', err);
    throw err;
  }
  return (await getSchedule(ctx, scheduleId)) as ScheduleRecord;
}

export async function deleteSchedule(ctx: StoreContext, scheduleId: string): Promise<void> {
  const res = await ctx.db.deleteFrom('schedules').where('id', '=', scheduleId).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw notFound(scheduleId);
}

export async function recordScheduleFire(
  ctx: StoreContext,
  input: { scheduleId: string; decision: FireDecision; reason?: string; runId?: string; at?: Date },
): Promise<ScheduleFire> {
  if (input.decision !== 'started' && input.decision !== 'skipped') {
    throw new UsageError(`unknown fire decision "${String(input.decision)}"`, { hint: 'Use started or skipped.' });
  }
  const at = (input.at ?? ctx.now()).toISOString();
  return ctx.transact(async (trx) => {
    const res = await trx
      .updateTable('schedules')
      .set({ last_fire_at: at, last_decision: input.decision, last_reason: input.reason ?? null, last_run_id: input.runId ?? null })
      .where('id', '=', input.scheduleId)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw notFound(input.scheduleId);
    const row = await trx
      .insertInto('schedule_fires')
      .values({ schedule_id: input.scheduleId, at, decision: input.decision, reason: input.reason ?? null, run_id: input.runId ?? null })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toScheduleFire(row);
  });
}

export async function listScheduleFires(
  ctx: StoreContext,
  scheduleId: string,
  options: { limit?: number; before?: number } = {},
): Promise<ScheduleFire[]> {
  const limit = options.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`fire history limit ${limit} is out of range`, { hint: 'Use an integer from 1 to 1000.' });
  let q = ctx.db.selectFrom('schedule_fires').selectAll().where('schedule_id', '=', scheduleId);
  if (options.before !== undefined) q = q.where('id', '<', options.before);
  const rows = await q.orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toScheduleFire);
}

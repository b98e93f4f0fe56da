import { NotFoundError, UsageError, type Json } from '@faultline/core';
import type { Selectable } from 'kysely';
import type { ExperimentsTable } from '../database.js';
import { nowIso, type StoreContext } from '../context.js';
import { isUniqueViolation } from '../errors.js';
import { retryOn } from '../retry.js';
import type { ExperimentRecord } from '../store.js';

function toExperimentRecord(row: Selectable<ExperimentsTable>): ExperimentRecord {
  return {
    name: row.name,
    version: Number(row.version),
    body: row.body,
    parsed: JSON.parse(row.parsed) as Json,
    createdAt: row.created_at,
    ...(row.created_by !== null ? { createdBy: row.created_by } : {}),
    ...(row.deleted_at !== null ? { deletedAt: row.deleted_at } : {}),
  };
}

export async function putExperiment(
  ctx: StoreContext,
  input: { name: string; body: string; parsed: Json; createdBy?: string },
): Promise<ExperimentRecord> {
  if (!input.name) throw new UsageError('an experiment needs a name', { hint: 'Set metadata.name in the experiment file.' });
  // Two writers of the same name may both compute n+1; the primary key (name, version) lets one win
  // and the other recompute.
  return retryOn(isUniqueViolation, 10, () =>
    ctx.transact(async (trx) => {
      const latest = await trx.selectFrom('experiments').select((eb) => eb.fn.max('version').as('v')).where('name', '=', input.name).executeTakeFirst();
      const version = Number(latest?.v ?? 0) + 1;
      const row = {
        name: input.name,
        version,
        body: input.body,
        parsed: JSON.stringify(input.parsed),
        created_at: nowIso(ctx),
        created_by: input.createdBy ?? null,
        deleted_at: null,
        deleted_by: null,
      };
      await trx.insertInto('experiments').values(row).execute();
      return toExperimentRecord(row);
    }),
  );
}

export async function getExperiment(
  ctx: StoreContext,
  name: string,
  options: { version?: number; includeDeleted?: boolean } = {},
): Promise<ExperimentRecord | undefined> {
  let q = ctx.db.selectFrom('experiments').selectAll().where('name', '=', name);
  if (options.version !== undefined) q = q.where('version', '=', options.version);
  if (!options.includeDeleted) q = q.where('deleted_at', 'is', null);
  const row = await q.orderBy('version', 'desc').limit(1).executeTakeFirst();
  return row && toExperimentRecord(row);
}

export async function listExperiments(ctx: StoreContext): Promise<ExperimentRecord[]> {
  const rows = await ctx.db
    .selectFrom('experiments as e')
    .selectAll()
    .where('e.deleted_at', 'is', null)
    .where(({ eb, selectFrom }) =>
      eb('e.version', '=', selectFrom('experiments as l').select((x) => x.fn.max('l.version').as('v')).whereRef('l.name', '=', 'e.name').where('l.deleted_at', 'is', null)),
    )
    .orderBy('e.name')
    .execute();
  return rows.map(toExperimentRecord);
}

export async function listExperimentVersions(ctx: StoreContext, name: string): Promise<ExperimentRecord[]> {
  const rows = await ctx.db.selectFrom('experiments').selectAll().where('name', '=', name).orderBy('version').execute();
  return rows.map(toExperimentRecord);
}

export async function deleteExperiment(ctx: StoreContext, name: string, options: { by?: string } = {}): Promise<void> {
  const res = await ctx.db
    .updateTable('experiments')
    .set({ deleted_at: nowIso(ctx), deleted_by: options.by ?? null })
    .where('name', '=', name)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) {
    throw new NotFoundError(`experiment "${name}" does not exist (or is already deleted)`, { hint: 'List experiments to see the stored names.' });
  }
}

import { ConflictError, NotFoundError, UsageError, isTerminal, runStates, type RunState } from '@faultline/core';
import type { Kysely } from 'kysely';
import type { Database } from '../database.js';
import type { StoreContext } from '../context.js';
import type { PruneCriteria, PruneResult } from '../store.js';

/** Only these runs may be deleted: a terminal state is final, so no fault of theirs can be active. */
const finishedStates = runStates.filter((s) => isTerminal(s));
const DELETE_BATCH = 500;
const MAX_KEEP = 1_000_000;

/** Deletes the rows of finished runs among `ids` (journal, labels, run); resolves the ids deleted. */
async function deleteFinished(trx: Kysely<Database>, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  // Re-checked inside the transaction: only rows still in a terminal state go (terminal states never change).
  const rows = await trx.selectFrom('runs').select('id').where('id', 'in', [...ids]).where('state', 'in', finishedStates).execute();
  const finished = new Set(rows.map((r) => r.id));
  const doomed = ids.filter((id) => finished.has(id));
  if (doomed.length === 0) return [];
  await trx.deleteFrom('journal_events').where('run_id', 'in', doomed).execute();
  await trx.deleteFrom('run_labels').where('run_id', 'in', doomed).execute();
  await trx.deleteFrom('runs').where('id', 'in', doomed).where('state', 'in', finishedStates).execute();
  return doomed;
}

/**
 * Deletes one finished run with its journal and labels. NotFoundError for an unknown run; ConflictError
 * for a run that is not finished (active, or revert-pending: its faults may still be in).
 */
export async function deleteRun(ctx: StoreContext, runId: string): Promise<void> {
  const deleted = await ctx.transact(async (trx) => {
    const row = await trx.selectFrom('runs').select(['id', 'state']).where('id', '=', runId).executeTakeFirst();
    if (!row) throw new NotFoundError(`run ${runId} does not exist`);
    if (!isTerminal(row.state as RunState)) {
      throw new ConflictError(`run ${runId} is ${row.state}; only finished runs (${finishedStates.join(', ')}) can be deleted`, {
        hint: row.state === 'revert-pending'
          ? 'Its faults may still be in: finish the revert (or resolve it) first.'
          : 'Abort it and wait until it has reverted, then delete it.',
      });
    }
    return deleteFinished(trx, [runId]);
  });
  if (deleted.length === 0) throw new NotFoundError(`run ${runId} does not exist`);
}

function validate(c: PruneCriteria): void {
  if (c.endedBefore === undefined && c.keep === undefined) {
    throw new UsageError('prune needs a criterion', { hint: 'Give `endedBefore` (an ISO time), `keep` (how many of the newest finished runs stay), or both.' });
  }
  if (c.keep !== undefined && (!Number.isInteger(c.keep) || c.keep < 0 || c.keep > MAX_KEEP)) {
    throw new UsageError(`prune keep ${c.keep} is out of range`, { hint: `Use an integer from 0 to ${MAX_KEEP}.` });
  }
  if (c.endedBefore !== undefined && Number.isNaN(Date.parse(c.endedBefore))) {
    throw new UsageError(`prune endedBefore "${c.endedBefore}" is not a time`, { hint: 'Use an ISO-8601 time such as 2026-09-01T00:00:00.000Z.' });
  }
}

/** The finished runs the criteria select, newest first: never one of the `keep` newest, only those ended before `endedBefore`. */
async function candidates(ctx: StoreContext, c: PruneCriteria): Promise<string[]> {
  let q = ctx.db.selectFrom('runs').select(['id', 'ended_at', 'created_at']).where('state', 'in', finishedStates);
  // Stored times are ISO-8601 UTC with milliseconds, so text order is time order on both databases.
  if (c.endedBefore !== undefined) q = q.where('ended_at', '<', new Date(c.endedBefore).toISOString());
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  if (c.keep === undefined || c.keep === 0) return rows.map((r) => r.id);
  const kept = await ctx.db.selectFrom('runs').select('id').where('state', 'in', finishedStates)
    .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(c.keep).execute();
  const keep = new Set(kept.map((r) => r.id));
  return rows.map((r) => r.id).filter((id) => !keep.has(id));
}

/**
 * Deletes finished runs (journal, labels, run row) chosen by `criteria`, in batches of 500 per
 * transaction. Active and revert-pending runs are never touched. With `dryRun` only counts.
 */
export async function pruneRuns(ctx: StoreContext, criteria: PruneCriteria): Promise<PruneResult> {
  validate(criteria);
  const ids = await candidates(ctx, criteria);
  if (criteria.dryRun) return { count: ids.length, runIds: ids, dryRun: true };
  const deleted: string[] = [];
  for (let i = 0; i < ids.length; i += DELETE_BATCH) {
    const batch = ids.slice(i, i + DELETE_BATCH);
    deleted.push(...(await ctx.transact((trx) => deleteFinished(trx, batch))));
  }
  return { count: deleted.length, runIds: deleted, dryRun: false };
}

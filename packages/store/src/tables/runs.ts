import { ConflictError, NotFoundError, UsageError, newRunId, runStates, type Outcome, type RunState } from '@faultline/core';
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, RunsTable } from '../database.js';
import { nowIso, type StoreContext } from '../context.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { IdempotencyConflictError, isUniqueViolation } from '../errors.js';
import { newOwnerColumns, ownerOf } from './ownership.js';
import { runSources, type NewRun, type RunPage, type RunQuery, type RunRecord, type RunSource } from '../store.js';

export function toRunRecord(row: Selectable<RunsTable>): RunRecord {
  return {
    runId: row.id,
    experiment: row.experiment,
    ...(row.experiment_version !== null ? { experimentVersion: row.experiment_version } : {}),
    labels: JSON.parse(row.labels) as Record<string, string>,
    state: row.state as RunState,
    ...(row.outcome !== null ? { outcome: row.outcome as Outcome } : {}),
    ...(row.reason !== null ? { reason: row.reason } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.started_at !== null ? { startedAt: row.started_at } : {}),
    ...(row.ended_at !== null ? { endedAt: row.ended_at } : {}),
    ...(row.idempotency_key !== null ? { idempotencyKey: row.idempotency_key } : {}),
    ...(row.request_hash !== null ? { requestHash: row.request_hash } : {}),
    ...(row.fencing_token !== null ? { fencingToken: Number(row.fencing_token) } : {}),
    ...(row.schedule_id !== null ? { scheduleId: row.schedule_id } : {}),
    source: row.source as RunSource,
    dryRun: row.dry_run === 1,
    lastSeq: Number(row.last_seq),
    ...(ownerOf(row) ? { owner: ownerOf(row)! } : {}),
  };
}

function validateNewRun(run: NewRun): void {
  if (!run.experiment) throw new UsageError('a run needs an experiment name', { hint: 'Set run.experiment to the experiment\'s metadata.name.' });
  if (!(runSources as readonly string[]).includes(run.source)) {
    throw new UsageError(`unknown run source "${run.source}"`, { hint: `Use one of: ${runSources.join(', ')}.` });
  }
}

/** The row for a new run in state `pending`. */
export function newRunRow(at: string, run: NewRun & { runId: string }, idempotency?: { key: string; requestHash: string }): Insertable<RunsTable> {
  return {
    id: run.runId,
    experiment: run.experiment,
    experiment_version: run.experimentVersion ?? null,
    labels: JSON.stringify(run.labels ?? {}),
    state: 'pending',
    outcome: null,
    reason: null,
    created_at: at,
    updated_at: at,
    started_at: null,
    ended_at: null,
    idempotency_key: idempotency?.key ?? null,
    request_hash: idempotency?.requestHash ?? null,
    fencing_token: run.fencingToken ?? null,
    schedule_id: run.scheduleId ?? null,
    source: run.source,
    dry_run: run.dryRun ? 1 : 0,
    last_seq: 0,
    ...newOwnerColumns(new Date(at), run.owner),
  };
}

/** Label rows make `labels` filterable with an index on both databases (no JSON operators needed). */
export async function insertLabels(trx: Kysely<Database>, runId: string, labels: Readonly<Record<string, string>> = {}): Promise<void> {
  const pairs = Object.entries(labels);
  if (pairs.length > 0) await trx.insertInto('run_labels').values(pairs.map(([key, value]) => ({ run_id: runId, key, value }))).execute();
}

/** Inserts the run row and its label rows; returns false when the idempotency key already exists. */
async function insertRun(
  trx: Kysely<Database>,
  at: string,
  run: NewRun & { runId: string },
  idempotency?: { key: string; requestHash: string },
): Promise<boolean> {
  const insert = trx.insertInto('runs').values(newRunRow(at, run, idempotency));
  const inserted = idempotency
    ? await insert.onConflict((oc) => oc.column('idempotency_key').doNothing()).returning('id').executeTakeFirst()
    : await insert.returning('id').executeTakeFirst();
  if (inserted === undefined) return false;
  await insertLabels(trx, run.runId, run.labels);
  return true;
}

export async function createRun(ctx: StoreContext, run: NewRun): Promise<RunRecord> {
  validateNewRun(run);
  const runId = run.runId ?? newRunId();
  try {
    await ctx.transact((trx) => insertRun(trx, nowIso(ctx), { ...run, runId }));
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError(`run ${runId} already exists`, { cause: err, hint: 'Omit runId to get a fresh one.' });
    throw err;
  }
  return (await getRun(ctx, runId)) as RunRecord;
}

export async function createRunIdempotent(
  ctx: StoreContext,
  input: { key: string; requestHash: string; run: NewRun },
): Promise<{ run: RunRecord; created: boolean }> {
  validateNewRun(input.run);
  if (!input.key) throw new UsageError('an empty Idempotency-Key cannot identify a request', { hint: 'Send a non-empty key (e.g. a UUID) or none.' });
  const runId = input.run.runId ?? newRunId();
  // INSERT ... ON CONFLICT DO NOTHING, then read: the UNIQUE constraint serialises concurrent callers
  // (PostgreSQL makes the loser wait for the winner's commit), so exactly one caller creates the run.
  const created = await ctx.transact((trx) => insertRun(trx, nowIso(ctx), { ...input.run, runId }, input));
  const row = await ctx.db.selectFrom('runs').selectAll().where('idempotency_key', '=', input.key).executeTakeFirst();
  if (row === undefined) throw new ConflictError(`run for Idempotency-Key "${input.key}" vanished right after it was stored`, { retryable: true });
  const run = toRunRecord(row);
  if (!created && row.request_hash !== input.requestHash) throw new IdempotencyConflictError(input.key, run.runId);
  return { run, created };
}

export async function getRun(ctx: StoreContext, runId: string): Promise<RunRecord | undefined> {
  const row = await ctx.db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirst();
  return row && toRunRecord(row);
}

export async function listRuns(ctx: StoreContext, query: RunQuery = {}): Promise<RunPage> {
  const limit = query.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw new UsageError(`runs limit ${limit} is out of range`, { hint: 'Use an integer from 1 to 500.' });
  }
  const states = query.state === undefined ? undefined : typeof query.state === 'string' ? [query.state] : [...query.state];
  for (const s of states ?? []) {
    if (!(runStates as readonly string[]).includes(s)) throw new UsageError(`unknown run state "${s}"`, { hint: `Use one of: ${runStates.join(', ')}.` });
  }
  if (states !== undefined && states.length === 0) return { runs: [] };
  let q = ctx.db.selectFrom('runs').selectAll();
  if (states !== undefined) q = q.where('state', 'in', states);
  if (query.experiment !== undefined) q = q.where('experiment', '=', query.experiment);
  for (const [key, value] of Object.entries(query.labels ?? {})) {
    q = q.where(({ exists, selectFrom }) =>
      exists(selectFrom('run_labels').select('run_labels.run_id').whereRef('run_labels.run_id', '=', 'runs.id').where('key', '=', key).where('value', '=', value)),
    );
  }
  if (query.cursor !== undefined) {
    const c = decodeCursor(query.cursor);
    q = q.where((eb) => eb.or([eb('created_at', '<', c.createdAt), eb.and([eb('created_at', '=', c.createdAt), eb('id', '<', c.runId)])]));
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit).map(toRunRecord);
  const last = page[page.length - 1];
  return rows.length > limit && last ? { runs: page, nextCursor: encodeCursor({ createdAt: last.createdAt, runId: last.runId }) } : { runs: page };
}

export async function setFencingToken(ctx: StoreContext, runId: string, token: number): Promise<void> {
  if (!Number.isSafeInteger(token) || token < 0) throw new UsageError(`fencing token ${token} is not a non-negative integer`);
  const res = await ctx.db.updateTable('runs').set({ fencing_token: token, updated_at: nowIso(ctx) }).where('id', '=', runId).executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) throw new NotFoundError(`run ${runId} does not exist`, { hint: 'Create the run before recording its fencing token.' });
}

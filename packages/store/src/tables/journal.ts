import { NotFoundError, UsageError, isTerminal, runStates, type JournalEvent, type JournalEventBody } from '@faultline/core';
import type { Kysely } from 'kysely';
import type { Database } from '../database.js';
import { nowIso, type StoreContext } from '../context.js';
import { runSources, type RunFence, type RunSource } from '../store.js';
import { ownershipLost } from './ownership.js';
import { insertLabels, newRunRow } from './runs.js';

const terminalStates = runStates.filter((s) => isTerminal(s));

/** Creates the run row from its `run-created` event unless the API/scheduler created it already. */
async function ensureRunRow(trx: Kysely<Database>, runId: string, at: string, body: Extract<JournalEventBody, { type: 'run-created' }>): Promise<void> {
  const labels = body.experiment.metadata.labels;
  const source: RunSource = (runSources as readonly string[]).includes(body.source ?? '') ? (body.source as RunSource) : 'cli';
  const inserted = await trx
    .insertInto('runs')
    .values(newRunRow(at, { runId, experiment: body.experiment.metadata.name, labels, source, dryRun: body.dryRun }))
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted !== undefined) await insertLabels(trx, runId, labels);
}

/**
 * Appends one event: bumps the run's last_seq (row lock on PostgreSQL, write lock on SQLite, so seq is
 * gap-free and unique per run even with concurrent appenders), mirrors transitions and verdicts onto the
 * run row, and inserts the event, all in one transaction that is committed durably before this resolves.
 */
export async function appendEvent(ctx: StoreContext, runId: string, body: JournalEventBody, fence?: RunFence): Promise<JournalEvent> {
  if (typeof body?.type !== 'string') throw new UsageError(`journal event for run ${runId} has no type`);
  const at = nowIso(ctx);
  const text = JSON.stringify(body);
  return ctx.transact(async (trx) => {
    if (body.type === 'run-created') await ensureRunRow(trx, runId, at, body);
    let update = trx
      .updateTable('runs')
      .set((eb) => ({
        last_seq: eb('last_seq', '+', 1),
        updated_at: at,
        ...(body.type === 'transition'
          ? {
              state: body.to,
              ...(body.to !== 'pending' ? { started_at: eb.fn.coalesce('started_at', eb.val(at)) } : {}),
              ...(isTerminal(body.to) ? { ended_at: at } : {}),
              ...(isTerminal(body.to) && body.reason !== undefined ? { reason: body.reason } : {}),
            }
          : {}),
        ...(body.type === 'verdict' ? { outcome: body.outcome, reason: body.reason } : {}),
      }))
      .where('id', '=', runId);
    if (fence) update = update.where('owner', '=', fence.replica).where('owner_token', '=', fence.token).where('owner_expires_at', '>', at);
    const updated = await update.returning('last_seq').executeTakeFirst();
    if (updated === undefined && fence) {
      const lost = await ownershipLost(trx, runId, fence, at);
      if (lost) throw lost;
    }
    if (updated === undefined) {
      throw new NotFoundError(`cannot append a ${body.type} event: run ${runId} does not exist`, {
        hint: 'Start a run\'s journal with a run-created event, or create the run with createRun first.',
      });
    }
    const seq = Number(updated.last_seq);
    await trx.insertInto('journal_events').values({ run_id: runId, seq, at, type: body.type, body: text }).execute();
    return { ...body, seq, at, runId } as JournalEvent;
  });
}

export async function readEvents(ctx: StoreContext, runId: string, afterSeq = 0): Promise<JournalEvent[]> {
  const rows = await ctx.db
    .selectFrom('journal_events')
    .select(['seq', 'at', 'body'])
    .where('run_id', '=', runId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ ...(JSON.parse(r.body) as JournalEventBody), seq: Number(r.seq), at: r.at, runId }) as JournalEvent);
}

/** Runs not in a terminal state (revert-pending included), oldest first: what recovery must look at. */
export async function listUnfinishedRuns(ctx: StoreContext): Promise<string[]> {
  const rows = await ctx.db.selectFrom('runs').select('id').where('state', 'not in', terminalStates).orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => r.id);
}

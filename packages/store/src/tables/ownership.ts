import { RunOwnershipLostError, UsageError, isTerminal, runStates, type RunState } from '@faultline/core';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, RunsTable } from '../database.js';
import type { StoreContext } from '../context.js';
import type { AdoptableRun, RunFence, RunOwner } from '../store.js';

/*
 * Run ownership across controller replicas (issue 14). Each unfinished run hosted by a controller has an
 * owner (replica id), an owner lease (expires_at) that the owner renews, and a fencing token. Adoption is
 * one conditional UPDATE (lease expired + expected token) that bumps the token; journal appends made under
 * a fence check owner + token + unexpired lease inside their transaction, so a paused owner that lost the
 * run learns it at its next write, before it touches the backend again.
 */

const terminalStates = runStates.filter((s) => isTerminal(s));

function checkTtl(ttlMs: number): void {
  if (!Number.isInteger(ttlMs) || ttlMs < 1) throw new UsageError(`owner lease ttl ${ttlMs}ms is not a positive integer`, { hint: 'Use a TTL like 15000 (15 s).' });
}

export function ownerOf(row: Pick<Selectable<RunsTable>, 'owner' | 'owner_token' | 'owner_renewed_at' | 'owner_expires_at'>): RunOwner | undefined {
  if (row.owner === null) return undefined;
  return {
    replica: row.owner,
    token: Number(row.owner_token),
    ...(row.owner_renewed_at !== null ? { renewedAt: row.owner_renewed_at } : {}),
    ...(row.owner_expires_at !== null ? { expiresAt: row.owner_expires_at } : {}),
  };
}

/** Column values for a new run claimed by `owner`. */
export function newOwnerColumns(now: Date, owner?: { replica: string; ttlMs: number }) {
  if (!owner) return {};
  checkTtl(owner.ttlMs);
  return { owner: owner.replica, owner_token: 1, owner_renewed_at: now.toISOString(), owner_expires_at: new Date(now.getTime() + owner.ttlMs).toISOString() };
}

export async function renewRunOwnership(ctx: StoreContext, replica: string, runs: readonly { runId: string; token: number }[], ttlMs: number): Promise<string[]> {
  checkTtl(ttlMs);
  if (runs.length === 0) return [];
  const now = ctx.now();
  const nowIso = now.toISOString();
  const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
  return ctx.transact(async (trx) => {
    const renewed: string[] = [];
    for (const r of runs) {
      const row = await trx
        .updateTable('runs')
        .set({ owner_renewed_at: nowIso, owner_expires_at: expiresAt })
        .where('id', '=', r.runId)
        .where('owner', '=', replica)
        .where('owner_token', '=', r.token)
        .where('owner_expires_at', '>', nowIso)
        .returning('id')
        .executeTakeFirst();
      if (row) renewed.push(row.id);
    }
    return renewed;
  });
}

export async function listAdoptableRuns(ctx: StoreContext): Promise<AdoptableRun[]> {
  const nowIso = ctx.now().toISOString();
  const rows = await ctx.db
    .selectFrom('runs')
    .select(['id', 'state', 'owner', 'owner_token', 'owner_renewed_at', 'owner_expires_at'])
    .where('state', 'not in', terminalStates)
    .where((eb) => eb.or([eb('owner', 'is', null), eb('owner_expires_at', '<=', nowIso)]))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => {
    const owner = ownerOf(r);
    return { runId: r.id, state: r.state as RunState, token: Number(r.owner_token), ...(owner ? { owner } : {}) };
  });
}

export async function adoptRun(ctx: StoreContext, input: { runId: string; replica: string; expectedToken: number; ttlMs: number }): Promise<RunOwner | undefined> {
  checkTtl(input.ttlMs);
  const now = ctx.now();
  const nowIso = now.toISOString();
  const expiresAt = new Date(now.getTime() + input.ttlMs).toISOString();
  const row = await ctx.db
    .updateTable('runs')
    .set({ owner: input.replica, owner_token: sql<number>`owner_token + 1`, owner_renewed_at: nowIso, owner_expires_at: expiresAt, updated_at: nowIso })
    .where('id', '=', input.runId)
    .where('state', 'not in', terminalStates)
    .where('owner_token', '=', input.expectedToken)
    .where((eb) => eb.or([eb('owner', 'is', null), eb('owner_expires_at', '<=', nowIso)]))
    .returning(['owner', 'owner_token', 'owner_renewed_at', 'owner_expires_at'])
    .executeTakeFirst();
  return row ? ownerOf(row) : undefined;
}

export async function releaseRunOwnership(ctx: StoreContext, runId: string, fence: RunFence): Promise<void> {
  const nowIso = ctx.now().toISOString();
  await ctx.db
    .updateTable('runs')
    .set({ owner_expires_at: nowIso })
    .where('id', '=', runId)
    .where('owner', '=', fence.replica)
    .where('owner_token', '=', fence.token)
    .execute();
}

/** Builds the error for a fenced write that was refused, saying who owns the run now. */
export async function ownershipLost(trx: Kysely<Database>, runId: string, fence: RunFence, nowIso: string): Promise<RunOwnershipLostError | undefined> {
  const row = await trx.selectFrom('runs').select(['owner', 'owner_token', 'owner_renewed_at', 'owner_expires_at']).where('id', '=', runId).executeTakeFirst();
  if (row === undefined) return undefined;
  const now = ownerOf(row);
  const why = now === undefined
    ? 'it has no owner'
    : now.replica !== fence.replica || now.token !== fence.token
      ? `replica ${now.replica} adopted it (token ${now.token})`
      : `its owner lease expired at ${now.expiresAt ?? '?'} (now ${nowIso}) before it was renewed`;
  return new RunOwnershipLostError(`replica ${fence.replica} no longer owns run ${runId} (token ${fence.token}): ${why}`, {
    hint: 'This replica stops touching the run; a live replica adopts it and reverts it from the journal.',
  });
}

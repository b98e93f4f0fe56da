import { UsageError, type JsonObject } from '@faultline/core';
import type { Selectable } from 'kysely';
import type { AuditLogTable } from '../database.js';
import { nowIso, type StoreContext } from '../context.js';
import type { AuditEntry, NewAuditEntry } from '../store.js';

function toAuditEntry(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    auditId: Number(row.id),
    at: row.at,
    ...(row.actor_token_id !== null ? { actorTokenId: row.actor_token_id } : {}),
    ...(row.actor_name !== null ? { actorName: row.actor_name } : {}),
    action: row.action,
    ...(row.target !== null ? { target: row.target } : {}),
    ...(row.remote_address !== null ? { remoteAddress: row.remote_address } : {}),
    details: JSON.parse(row.details) as JsonObject,
  };
}

export async function appendAudit(ctx: StoreContext, entry: NewAuditEntry): Promise<AuditEntry> {
  if (!entry.action) throw new UsageError('an audit entry needs an action', { hint: 'Name the mutation, e.g. "runs.create".' });
  const row = await ctx.db
    .insertInto('audit_log')
    .values({
      at: nowIso(ctx),
      actor_token_id: entry.actorTokenId ?? null,
      actor_name: entry.actorName ?? null,
      action: entry.action,
      target: entry.target ?? null,
      remote_address: entry.remoteAddress ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toAuditEntry(row);
}

export async function listAudit(ctx: StoreContext, options: { limit?: number; before?: number } = {}): Promise<AuditEntry[]> {
  const limit = options.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`audit limit ${limit} is out of range`, { hint: 'Use an integer from 1 to 1000.' });
  let q = ctx.db.selectFrom('audit_log').selectAll();
  if (options.before !== undefined) q = q.where('id', '<', options.before);
  const rows = await q.orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toAuditEntry);
}

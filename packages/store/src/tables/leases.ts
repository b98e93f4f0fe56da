import { UsageError, type Lease } from '@faultline/core';
import type { StoreContext } from '../context.js';

/*
 * One row per lease name, never deleted: the row carries the fencing token, so a released or expired
 * lease still remembers the last token and the next holder gets a larger one. Expiry compares ISO strings
 * from this process's clock; replicas need roughly synchronised clocks (NTP), with ttlMs far above skew.
 * The fencing token is what makes a holder with a stale view harmless.
 */

/**
 * One atomic statement on both databases: INSERT ... ON CONFLICT (name) DO UPDATE ... WHERE free, expired
 * or ours ... RETURNING. No row returned means someone else holds it.
 */
export async function tryAcquire(ctx: StoreContext, name: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
  if (!name || !holder) throw new UsageError('a lease needs a name and a holder');
  if (!Number.isInteger(ttlMs) || ttlMs < 1) throw new UsageError(`lease ttl ${ttlMs}ms is not a positive integer`, { hint: 'Use a TTL like 15000 (15 s).' });
  const now = ctx.now();
  const nowIso = now.toISOString();
  const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
  const row = await ctx.db
    .insertInto('leases')
    .values({ name, holder, fencing_token: 1, expires_at: expiresAt, acquired_at: nowIso })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet((eb) => {
          const stillOurs = eb.and([eb('leases.holder', '=', holder), eb('leases.expires_at', '>', nowIso)]);
          return {
            holder,
            expires_at: expiresAt,
            fencing_token: eb.case().when(stillOurs).then(eb.ref('leases.fencing_token')).else(eb('leases.fencing_token', '+', 1)).end(),
            acquired_at: eb.case().when(stillOurs).then(eb.ref('leases.acquired_at')).else(nowIso).end(),
          };
        })
        .where((eb) => eb.or([eb('leases.holder', 'is', null), eb('leases.holder', '=', holder), eb('leases.expires_at', '<=', nowIso)])),
    )
    .returning(['name', 'holder', 'fencing_token', 'expires_at'])
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return { name: row.name, holder: row.holder ?? holder, fencingToken: Number(row.fencing_token), expiresAt: new Date(row.expires_at) };
}

export async function release(ctx: StoreContext, name: string, holder: string): Promise<void> {
  await ctx.db.updateTable('leases').set({ holder: null, expires_at: ctx.now().toISOString() }).where('name', '=', name).where('holder', '=', holder).execute();
}

export async function isCurrent(ctx: StoreContext, name: string, token: number): Promise<boolean> {
  const row = await ctx.db
    .selectFrom('leases')
    .select('name')
    .where('name', '=', name)
    .where('fencing_token', '=', token)
    .where('holder', 'is not', null)
    .where('expires_at', '>', ctx.now().toISOString())
    .executeTakeFirst();
  return row !== undefined;
}

/** The lease as it stands: its holder while unexpired, undefined when free, expired or unknown. */
export async function getLease(ctx: StoreContext, name: string): Promise<Lease | undefined> {
  const row = await ctx.db.selectFrom('leases').selectAll().where('name', '=', name).where('holder', 'is not', null)
    .where('expires_at', '>', ctx.now().toISOString()).executeTakeFirst();
  return row && row.holder !== null ? { name: row.name, holder: row.holder, fencingToken: Number(row.fencing_token), expiresAt: new Date(row.expires_at) } : undefined;
}

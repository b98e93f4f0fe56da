import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { NotFoundError, UsageError } from '@faultline/core';
import type { Selectable } from 'kysely';
import type { TokensTable } from '../database.js';
import { nowIso, type StoreContext } from '../context.js';
import { tokenScopes, type TokenRecord, type TokenScope } from '../store.js';

/*
 * A secret looks like `flt_<tokenId>_<43 chars base64url>`. The id lets verification fetch one row by
 * primary key; the SHA-256 of the whole secret is what is stored and compared (in constant time).
 * 256 random bits make a slow password hash unnecessary.
 */
const PREFIX = 'flt_';
const ID_LEN = 12;
const SECRET_RE = /^flt_([0-9a-z]{12})_[A-Za-z0-9_-]{43}$/;
/** Only write last_used_at when it is older than this: a verify per request must not mean a write per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function newTokenId(): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
  let id = '';
  for (const b of randomBytes(ID_LEN)) id += alphabet[b % 36];
  return id;
}

function toTokenRecord(row: Selectable<TokensTable>): TokenRecord {
  return {
    tokenId: row.id,
    name: row.name,
    scopes: JSON.parse(row.scopes) as TokenScope[],
    createdAt: row.created_at,
    ...(row.last_used_at !== null ? { lastUsedAt: row.last_used_at } : {}),
    ...(row.revoked_at !== null ? { revokedAt: row.revoked_at } : {}),
  };
}

export async function createToken(
  ctx: StoreContext,
  input: { name: string; scopes: readonly TokenScope[] },
): Promise<{ token: TokenRecord; secret: string }> {
  if (!input.name) throw new UsageError('a token needs a name', { hint: 'Name tokens after who uses them, e.g. "ci-payments".' });
  const bad = input.scopes.filter((s) => !(tokenScopes as readonly string[]).includes(s));
  if (bad.length > 0 || input.scopes.length === 0) {
    throw new UsageError(`invalid token scopes: ${bad.length ? bad.join(', ') : '(none given)'}`, { hint: `Use one or more of: ${tokenScopes.join(', ')}.` });
  }
  const tokenId = newTokenId();
  const secret = `${PREFIX}${tokenId}_${randomBytes(32).toString('base64url')}`;
  const row = {
    id: tokenId,
    name: input.name,
    secret_hash: sha256(secret).toString('hex'),
    scopes: JSON.stringify([...new Set(input.scopes)]),
    created_at: nowIso(ctx),
    last_used_at: null,
    revoked_at: null,
  };
  await ctx.db.insertInto('tokens').values(row).execute();
  return { token: toTokenRecord(row), secret };
}

export async function verifyToken(ctx: StoreContext, secret: string): Promise<TokenRecord | undefined> {
  const match = SECRET_RE.exec(secret);
  if (!match) return undefined;
  const row = await ctx.db.selectFrom('tokens').selectAll().where('id', '=', match[1] as string).executeTakeFirst();
  const presented = sha256(secret);
  // Compare against a dummy when the id is unknown, so both paths do the same work.
  const stored = row ? Buffer.from(row.secret_hash, 'hex') : sha256(`${secret}\u0000unknown`);
  const equal = stored.length === presented.length && timingSafeEqual(stored, presented);
  if (!row || !equal || row.revoked_at !== null) return undefined;
  const now = ctx.now();
  if (row.last_used_at === null || now.getTime() - Date.parse(row.last_used_at) >= LAST_USED_RESOLUTION_MS) {
    const at = now.toISOString();
    await ctx.db.updateTable('tokens').set({ last_used_at: at }).where('id', '=', row.id).execute();
    return toTokenRecord({ ...row, last_used_at: at });
  }
  return toTokenRecord(row);
}

export async function revokeToken(ctx: StoreContext, tokenId: string): Promise<void> {
  const row = await ctx.db.selectFrom('tokens').select(['id', 'revoked_at']).where('id', '=', tokenId).executeTakeFirst();
  if (!row) throw new NotFoundError(`token ${tokenId} does not exist`, { hint: 'List tokens to see their ids.' });
  if (row.revoked_at === null) {
    await ctx.db.updateTable('tokens').set({ revoked_at: nowIso(ctx) }).where('id', '=', tokenId).where('revoked_at', 'is', null).execute();
  }
}

export async function listTokens(ctx: StoreContext): Promise<TokenRecord[]> {
  const rows = await ctx.db.selectFrom('tokens').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toTokenRecord);
}

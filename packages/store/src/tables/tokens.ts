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

/** How long a verified token is trusted without reading its row again (see TokenCache). */
export const TOKEN_CACHE_TTL_MS = 5_000;
const TOKEN_CACHE_MAX = 1_000;

/**
 * Verified tokens of one store instance, so a request does not read the tokens table: keyed by the
 * SHA-256 of the secret (never the secret), trusted for TOKEN_CACHE_TTL_MS of the store's clock. A
 * revoke through the same store drops the token at once; a revoke through another process or replica
 * sharing the database takes effect here within TOKEN_CACHE_TTL_MS. Only valid, unrevoked tokens are kept.
 */
export class TokenCache {
  readonly #entries = new Map<string, { row: Selectable<TokensTable>; expiresAtMs: number }>();
  /** Moves on every forget: a verify that read its row before a revoke does not cache it after. */
  #generation = 0;

  get generation(): number {
    return this.#generation;
  }

  get(key: string, nowMs: number): Selectable<TokensTable> | undefined {
    const hit = this.#entries.get(key);
    if (!hit) return undefined;
    if (nowMs >= hit.expiresAtMs || nowMs < hit.expiresAtMs - TOKEN_CACHE_TTL_MS) {
      this.#entries.delete(key);
      return undefined;
    }
    return hit.row;
  }

  /** Keeps `row` unless a token was forgotten since `generation` (read before the row was). */
  set(key: string, row: Selectable<TokensTable>, nowMs: number, generation: number): void {
    if (generation !== this.#generation) return;
    this.#entries.delete(key);
    if (this.#entries.size >= TOKEN_CACHE_MAX) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(key, { row, expiresAtMs: nowMs + TOKEN_CACHE_TTL_MS });
  }

  forget(tokenId: string): void {
    this.#generation++;
    for (const [key, { row }] of this.#entries) if (row.id === tokenId) this.#entries.delete(key);
  }
}

export async function verifyToken(ctx: StoreContext, secret: string, cache?: TokenCache): Promise<TokenRecord | undefined> {
  const match = SECRET_RE.exec(secret);
  if (!match) return undefined;
  const presented = sha256(secret);
  const key = presented.toString('hex');
  const cached = cache?.get(key, ctx.now().getTime());
  // A cached row whose last use is due to be written goes the full way (which also re-reads revoked_at).
  if (cached && cached.last_used_at !== null && ctx.now().getTime() - Date.parse(cached.last_used_at) < LAST_USED_RESOLUTION_MS) {
    return toTokenRecord(cached);
  }
  const generation = cache?.generation ?? 0;
  const row = await ctx.db.selectFrom('tokens').selectAll().where('id', '=', match[1] as string).executeTakeFirst();
  // Compare against a dummy when the id is unknown, so both paths do the same work.
  const stored = row ? Buffer.from(row.secret_hash, 'hex') : sha256(`${secret}\u0000unknown`);
  const equal = stored.length === presented.length && timingSafeEqual(stored, presented);
  if (!row || !equal || row.revoked_at !== null) return undefined;
  const now = ctx.now();
  if (row.last_used_at === null || now.getTime() - Date.parse(row.last_used_at) >= LAST_USED_RESOLUTION_MS) {
    const at = now.toISOString();
    await ctx.db.updateTable('tokens').set({ last_used_at: at }).where('id', '=', row.id).execute();
    const used = { ...row, last_used_at: at };
    cache?.set(key, used, now.getTime(), generation);
    return toTokenRecord(used);
  }
  cache?.set(key, row, now.getTime(), generation);
  return toTokenRecord(row);
}

export async function revokeToken(ctx: StoreContext, tokenId: string, cache?: TokenCache): Promise<void> {
  cache?.forget(tokenId);
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

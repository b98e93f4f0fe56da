import { createHash } from 'node:crypto';
import { NotFoundError, UsageError } from '@faultline/core';
import { expect, it } from 'vitest';
import { describeEachBackend } from './testing/backends.js';
import { manualClock } from './testing/clock.js';
import { TOKEN_CACHE_TTL_MS } from './tables/tokens.js';

describeEachBackend('tokens', ({ fresh }) => {
  it('stores only the SHA-256 of the secret and shows the plaintext once', async () => {
    const db = await fresh();
    const store = await db.open();
    const { token, secret } = await store.createToken({ name: 'ci-payments', scopes: ['read', 'run'] });
    expect(secret).toMatch(/^flt_[0-9a-z]{12}_[A-Za-z0-9_-]{43}$/);
    expect(token).toMatchObject({ name: 'ci-payments', scopes: ['read', 'run'] });
    expect(JSON.stringify(token)).not.toContain(secret.slice(17));
    const rows = await db.query<Record<string, unknown>>('select * from tokens');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.secret_hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(secret.slice(17));
    const listed = await store.listTokens();
    expect(listed).toEqual([token]);
    expect(Object.keys(listed[0]!)).not.toContain('secret');
  });

  it('verifies the right secret, rejects wrong, malformed and revoked ones', async () => {
    const clock = manualClock();
    const store = await (await fresh()).open({ clock });
    const { token, secret } = await store.createToken({ name: 'admin', scopes: ['admin'] });
    const other = await store.createToken({ name: 'reader', scopes: ['read'] });
    clock.advance(5000);
    const ok = await store.verifyToken(secret);
    expect(ok).toMatchObject({ tokenId: token.tokenId, scopes: ['admin'], lastUsedAt: clock.now().toISOString() });
    // Same id, different secret; right shape, unknown id; garbage.
    const tampered = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
    expect(await store.verifyToken(tampered)).toBeUndefined();
    expect(await store.verifyToken(`flt_zzzzzzzzzzzz_${secret.slice(-43)}`)).toBeUndefined();
    expect(await store.verifyToken('')).toBeUndefined();
    expect(await store.verifyToken('Bearer nonsense')).toBeUndefined();
    expect(await store.verifyToken(other.secret)).toMatchObject({ tokenId: other.token.tokenId });

    await store.revokeToken(token.tokenId);
    await store.revokeToken(token.tokenId);
    expect(await store.verifyToken(secret)).toBeUndefined();
    expect((await store.listTokens()).find((t) => t.tokenId === token.tokenId)?.revokedAt).toBe(clock.now().toISOString());
    expect(await store.verifyToken(other.secret)).toBeDefined();
    await expect(store.revokeToken('nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('updates last_used_at at most once a minute', async () => {
    const clock = manualClock();
    const store = await (await fresh()).open({ clock });
    const { secret } = await store.createToken({ name: 't', scopes: ['read'] });
    const first = (await store.verifyToken(secret))?.lastUsedAt;
    clock.advance(30_000);
    expect((await store.verifyToken(secret))?.lastUsedAt).toBe(first);
    clock.advance(30_000);
    expect((await store.verifyToken(secret))?.lastUsedAt).toBe(clock.now().toISOString());
  });

  it('a verified token is trusted for at most TOKEN_CACHE_TTL_MS after a revoke by another process', async () => {
    const clock = manualClock();
    const db = await fresh();
    const replica = await db.open({ clock });
    const elsewhere = await db.open({ clock }); // another controller replica, or the CLI, on the same database
    const { token, secret } = await replica.createToken({ name: 't', scopes: ['read'] });
    expect(await replica.verifyToken(secret)).toBeDefined(); // now cached by this replica
    await elsewhere.revokeToken(token.tokenId);
    expect(await elsewhere.verifyToken(secret)).toBeUndefined();
    expect(await replica.verifyToken(secret)).toBeDefined(); // the documented delay
    clock.advance(TOKEN_CACHE_TTL_MS);
    expect(await replica.verifyToken(secret)).toBeUndefined();
  });

  it('a revoke through the same store takes effect at once, also for a cached token', async () => {
    const clock = manualClock();
    const store = await (await fresh()).open({ clock });
    const { token, secret } = await store.createToken({ name: 't', scopes: ['read'] });
    expect(await store.verifyToken(secret)).toBeDefined();
    expect(await store.verifyToken(secret)).toBeDefined();
    await store.revokeToken(token.tokenId);
    expect(await store.verifyToken(secret)).toBeUndefined();
  });

  it('rejects unknown or missing scopes', async () => {
    const store = await (await fresh()).open();
    await expect(store.createToken({ name: 't', scopes: ['root' as never] })).rejects.toBeInstanceOf(UsageError);
    await expect(store.createToken({ name: 't', scopes: [] })).rejects.toBeInstanceOf(UsageError);
  });
});

describeEachBackend('audit log', ({ fresh }) => {
  it('appends entries and pages newest first with `before`', async () => {
    const clock = manualClock();
    const store = await (await fresh()).open({ clock });
    const written = [];
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      written.push(
        await store.appendAudit({
          actorTokenId: 'tok1', actorName: 'ci', action: i === 4 ? 'halt.set' : 'runs.create', target: `run/${i}`,
          remoteAddress: '127.0.0.1', details: { i, nested: { ok: true } },
        }),
      );
    }
    expect(written[4]).toMatchObject({ action: 'halt.set', actorName: 'ci', target: 'run/4', details: { i: 4, nested: { ok: true } }, at: clock.now().toISOString() });
    const page1 = await store.listAudit({ limit: 2 });
    expect(page1).toEqual([written[4], written[3]]);
    const page2 = await store.listAudit({ limit: 2, before: page1[1]!.auditId });
    expect(page2).toEqual([written[2], written[1]]);
    const page3 = await store.listAudit({ limit: 2, before: page2[1]!.auditId });
    expect(page3).toEqual([written[0]]);
    const minimal = await store.appendAudit({ action: 'tokens.create' });
    expect(minimal).toEqual({ auditId: minimal.auditId, at: minimal.at, action: 'tokens.create', details: {} });
    expect(minimal.auditId).toBeGreaterThan(written[4]!.auditId);
    await expect(store.listAudit({ limit: 5000 })).rejects.toBeInstanceOf(UsageError);
  });
});

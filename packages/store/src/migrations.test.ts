import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { expect, it } from 'vitest';
import { StoreSchemaError } from './errors.js';
import { openStore } from './open-store.js';
import { MIGRATION_TABLE, latestSchemaVersion } from './migrations/migrate.js';
import { describeEachBackend, postgresTestUrl } from './testing/backends.js';
import { runCreated } from './testing/events.js';

describeEachBackend('migrations and persistence', ({ backend, fresh }) => {
  it('migrates a new database once even when several replicas open it at the same moment, and reopening changes nothing', async () => {
    const db = await fresh();
    const replicas = await Promise.all([db.open(), db.open(), db.open()]);
    for (const s of replicas) expect(await s.schemaVersion()).toBe(latestSchemaVersion(backend));
    await replicas[0]!.append('r000000000001', runCreated('kept'));
    await Promise.all(replicas.map((s) => s.close()));
    const reopened = await db.open();
    expect(await reopened.schemaVersion()).toBe(latestSchemaVersion(backend));
    const applied = await db.query<{ name: string }>(`select name from ${MIGRATION_TABLE}`);
    expect(applied.map((r) => r.name)).toEqual(['0001-initial', '0002-run-ownership', '0003-gamedays']);
    expect(await reopened.read('r000000000001')).toHaveLength(1);
    await reopened.ping();
  });

  it('refuses a database migrated by a newer Faultline', async () => {
    const db = await fresh();
    await (await db.open()).close();
    await db.query(`insert into ${MIGRATION_TABLE} (name, timestamp) values (?, ?)`, ['9999-from-the-future', new Date().toISOString()]);
    const err = await db.open().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreSchemaError);
    expect((err as Error).message).toContain('9999-from-the-future');
    expect((err as StoreSchemaError).hint).toMatch(/Upgrade Faultline/);
  });

  it('keeps the halt switch across close and reopen', async () => {
    const db = await fresh();
    const store = await db.open();
    expect(await store.getHalt()).toEqual({ halted: false });
    const set = await store.setHalt({ halted: true, reason: 'incident 4711', by: 'oncall' });
    expect(set).toMatchObject({ halted: true, reason: 'incident 4711', by: 'oncall' });
    await store.close();
    await store.close(); // idempotent
    const again = await db.open();
    expect(await again.getHalt()).toEqual(set);
    const cleared = await again.setHalt({ halted: false, by: 'oncall' });
    expect(await again.getHalt()).toEqual(cleared);
    expect(cleared.reason).toBeUndefined();
  });

  it.runIf(backend === 'postgres')('without ?schema= migrates the current schema even when another schema holds Faultline tables', async () => {
    await (await fresh()).open(); // a migrated schema elsewhere in the same database
    const base = postgresTestUrl() as string;
    // A unique schema name (parallel CI jobs share the database), not a test input: nothing depends on its value.
    const name = `fl_t_sp_${randomUUID().replaceAll('-', '').slice(0, 8)}`;
    const admin = new pg.Client({ connectionString: base, connectionTimeoutMillis: 5000 });
    await admin.connect();
    try {
      await admin.query(`create schema ${name}`);
      const u = new URL(base);
      u.searchParams.set('options', `-c search_path=${name}`);
      const store = await openStore(u.toString());
      try {
        expect(await store.schemaVersion()).toBe(latestSchemaVersion('postgres'));
        await store.append('r000000000001', runCreated('sp'));
        const found = await admin.query(`select count(*)::int as n from ${name}.journal_events`);
        expect(found.rows[0].n).toBe(1);
      } finally {
        await store.close();
      }
    } finally {
      await admin.query(`drop schema if exists ${name} cascade`);
      await admin.end();
    }
  });
});

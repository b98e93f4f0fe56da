import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '@faultline/core';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openSqlite } from './dialects/sqlite.js';
import { StoreError } from './errors.js';
import { DEFAULT_SQLITE_PATH, openStore, parseStoreUrl } from './open-store.js';
import { parseLabelSelector } from './labels.js';

describe('parseStoreUrl', () => {
  it.each([
    ['', { dialect: 'sqlite', path: DEFAULT_SQLITE_PATH }],
    [':memory:', { dialect: 'sqlite', path: ':memory:' }],
    ['sqlite::memory:', { dialect: 'sqlite', path: ':memory:' }],
    ['sqlite:data/f.db', { dialect: 'sqlite', path: 'data/f.db' }],
    ['sqlite:///var/lib/faultline.db', { dialect: 'sqlite', path: '/var/lib/faultline.db' }],
    ['./faultline.db', { dialect: 'sqlite', path: './faultline.db' }],
    ['/abs/faultline.db', { dialect: 'sqlite', path: '/abs/faultline.db' }],
    ['postgres://u:p@db:5432/fl', { dialect: 'postgres', url: 'postgres://u:p@db:5432/fl' }],
    ['postgresql://db/fl?schema=faultline&sslmode=require', { dialect: 'postgres', url: 'postgresql://db/fl?sslmode=require', schema: 'faultline' }],
  ])('%s', (url, expected) => {
    expect(parseStoreUrl(url)).toEqual(expected);
  });

  it.each(['mysql://db/fl', 'sqlite:', 'postgres://db/fl?schema=Bad-Name'])('rejects %s with a UsageError', (url) => {
    expect(() => parseStoreUrl(url)).toThrow(UsageError);
  });

  it('never echoes a password in errors', () => {
    for (const url of ['postgres://u:hunter2@db/fl?schema=Bad;drop', 'postgres://u:hunter2@[db/fl']) {
      const err = (() => {
        try {
          parseStoreUrl(url);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).not.toContain('hunter2');
    }
  });
});

describe('parseLabelSelector', () => {
  it('parses key=value pairs and rejects pieces without a key', () => {
    expect(parseLabelSelector('team=payments, env=staging')).toEqual({ team: 'payments', env: 'staging' });
    expect(parseLabelSelector('a=b=c')).toEqual({ a: 'b=c' });
    expect(parseLabelSelector('')).toEqual({});
    expect(() => parseLabelSelector('team')).toThrow(UsageError);
    expect(() => parseLabelSelector('=x')).toThrow(UsageError);
  });

  it('keeps label keys named like Object.prototype members (a __proto__ label is a label, not dropped)', () => {
    const parsed = parseLabelSelector('__proto__=x,constructor=y,toString=z');
    expect(Object.entries(parsed)).toEqual([['__proto__', 'x'], ['constructor', 'y'], ['toString', 'z']]);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });
});

describe('SQLite durability settings', () => {
  it('uses WAL and synchronous=FULL on a file, creating its directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-sqlite-'));
    try {
      const conn = openSqlite(join(dir, 'nested', 'faultline.db'));
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(conn.db);
      const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(conn.db);
      const fks = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(conn.db);
      expect(mode.rows[0]?.journal_mode).toBe('wal');
      expect(sync.rows[0]?.synchronous).toBe(2); // FULL
      expect(fks.rows[0]?.foreign_keys).toBe(1);
      await conn.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('wraps an unopenable file in a StoreError naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-sqlite-'));
    try {
      // The "file" is a directory: SQLite cannot open it.
      const err = await openStore(`sqlite:${dir}`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as Error).message).toContain(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('PostgreSQL connection failures', () => {
  it('fails fast with a retryable StoreError when nothing listens, without leaking the password', async () => {
    // Port 9 on loopback (discard) is closed on these machines; the connect timeout bounds it either way.
    const started = Date.now();
    const err = await openStore('postgres://u:hunter2@127.0.0.1:9/fl', { postgres: { connectTimeoutMs: 2000 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).retryable).toBe(true);
    expect((err as Error).message).not.toContain('hunter2');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

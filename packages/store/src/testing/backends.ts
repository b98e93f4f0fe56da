import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, it } from 'vitest';
import { openStore, type OpenStoreOptions } from '../open-store.js';
import type { Store } from '../store.js';

/*
 * Test harness: every suite runs on SQLite always and on PostgreSQL when one is configured
 * (FAULTLINE_TEST_POSTGRES_URL, or .faultline/ci/postgres.url written by scripts/postgres-env.sh).
 * Without PostgreSQL the PG half is skipped with a loud warning, except under CI=true where it fails.
 */

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
const urlFile = join(repoRoot, '.faultline/ci/postgres.url');

export function postgresTestUrl(): string | undefined {
  const fromEnv = process.env.FAULTLINE_TEST_POSTGRES_URL?.trim();
  if (fromEnv) return fromEnv;
  if (existsSync(urlFile)) return readFileSync(urlFile, 'utf8').trim() || undefined;
  return undefined;
}

/** One isolated database for one test: a temp SQLite file, or a fresh PostgreSQL schema. */
export interface TestDatabase {
  readonly url: string;
  /** Opens a Store on this database (any number of times: replicas / reopen after close). */
  open(options?: OpenStoreOptions): Promise<Store>;
  /** Raw SQL on the same database, bypassing the Store (to inspect what is stored). */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  dispose(): Promise<void>;
}

export interface Backend {
  readonly name: 'sqlite' | 'postgres';
  create(): Promise<TestDatabase>;
}

function tracked(open: (o?: OpenStoreOptions) => Promise<Store>) {
  const stores: Store[] = [];
  return {
    open: async (o?: OpenStoreOptions) => {
      const s = await open(o);
      stores.push(s);
      return s;
    },
    closeAll: () => Promise.all(stores.map((s) => s.close())),
  };
}

const sqliteBackend: Backend = {
  name: 'sqlite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-store-'));
    const file = join(dir, 'faultline.db');
    const url = `sqlite:${file}`;
    const t = tracked((o) => openStore(url, o));
    return {
      url,
      open: t.open,
      async query<T>(text: string, params: unknown[] = []) {
        const db = new BetterSqlite3(file);
        try {
          const stmt = db.prepare(text);
          return (stmt.reader ? stmt.all(...params) : (stmt.run(...params), [])) as T[];
        } finally {
          db.close();
        }
      },
      async dispose() {
        await t.closeAll();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

function postgresBackend(baseUrl: string): Backend {
  return {
    name: 'postgres',
    async create() {
      const schema = `fl_t_${Math.random().toString(36).slice(2, 12)}`;
      const u = new URL(baseUrl);
      u.searchParams.set('schema', schema);
      const url = u.toString();
      const admin = new pg.Pool({ connectionString: baseUrl, max: 2, connectionTimeoutMillis: 5000, statement_timeout: 10_000, options: `-c search_path=${schema}` });
      const t = tracked((o) => openStore(url, o));
      return {
        url,
        open: t.open,
        async query<T>(text: string, params: unknown[] = []) {
          // $1-style placeholders on PostgreSQL; tests write `?` for both databases.
          let i = 0;
          const res = await admin.query(text.replace(/\?/g, () => `$${++i}`), params);
          return res.rows as T[];
        },
        async dispose() {
          try {
            await t.closeAll();
            await admin.query(`drop schema if exists "${schema}" cascade`);
          } finally {
            await admin.end();
          }
        },
      };
    },
  };
}

export function availableBackends(): Backend[] {
  const pgUrl = postgresTestUrl();
  return pgUrl ? [sqliteBackend, postgresBackend(pgUrl)] : [sqliteBackend];
}

let warned = false;

/** What each backend's suite gets. */
export interface BackendEnv {
  readonly backend: Backend['name'];
  /** A fresh, isolated database, disposed (stores closed, data deleted) after the current test. */
  fresh(): Promise<TestDatabase>;
}

/** `describe.each` over the available backends; see the file comment for the PostgreSQL rule. */
export function describeEachBackend(title: string, body: (env: BackendEnv) => void): void {
  const backends = availableBackends();
  if (backends.length === 1) {
    if (process.env.CI === 'true' || process.env.CI === '1') {
      it(`${title}: PostgreSQL must be available under CI`, () => {
        throw new Error(
          'No PostgreSQL for the store tests. Run `scripts/postgres-env.sh start` before the tests (or set FAULTLINE_TEST_POSTGRES_URL).',
        );
      });
    } else if (!warned) {
      warned = true;
      console.warn(
        '\n' + '!'.repeat(100) + '\n' +
          '!! @faultline/store: PostgreSQL not configured; the PostgreSQL half of the store suite is SKIPPED.\n' +
          '!! Start one with `scripts/postgres-env.sh start` (or set FAULTLINE_TEST_POSTGRES_URL). Under CI=true this fails.\n' +
          '!'.repeat(100) + '\n',
      );
    }
  }
  describe.each(backends)(`${title} [$name]`, (backend) => {
    const open: TestDatabase[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((d) => d.dispose()));
    });
    body({
      backend: backend.name,
      async fresh() {
        const d = await backend.create();
        open.push(d);
        return d;
      },
    });
  });
}

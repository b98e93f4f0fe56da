import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import type { Database } from '../database.js';
import type { Dialect } from '../dialects/dialect.js';
import { StoreSchemaError } from '../errors.js';
import { initialMigration } from './0001-initial.js';
import { runOwnershipMigration } from './0002-run-ownership.js';
import { gamedaysMigration } from './0003-gamedays.js';

/** Every migration this build knows, in order. Names sort lexically; never rename or edit a shipped one. */
export function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001-initial': initialMigration(dialect),
    '0002-run-ownership': runOwnershipMigration(),
    '0003-gamedays': gamedaysMigration(),
  };
}

export const MIGRATION_TABLE = 'faultline_migration';
const MIGRATION_LOCK_TABLE = 'faultline_migration_lock';

/** The newest schema version this build writes. */
export function latestSchemaVersion(dialect: Dialect): string {
  const names = Object.keys(migrations(dialect)).sort();
  return names[names.length - 1] as string;
}

/** Names of applied migrations, oldest first; [] on an empty database. */
export async function appliedMigrations(db: Kysely<Database>, schema?: string): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === MIGRATION_TABLE && (schema === undefined || t.schema === schema))) return [];
  const rows = await sql<{ name: string }>`select name from ${sql.table(schema ? `${schema}.${MIGRATION_TABLE}` : MIGRATION_TABLE)} order by name`.execute(db);
  return rows.rows.map((r) => r.name);
}

/**
 * Brings the schema to the latest version (idempotent; concurrent openers wait on the migration lock).
 * Refuses a database that a newer Faultline has migrated further: its data may not fit this code.
 * Returns the schema version.
 */
export async function migrateToLatest(db: Kysely<Database>, options: { dialect: Dialect; schema?: string; location: string }): Promise<string> {
  const known = migrations(options.dialect);
  const unknown = (await appliedMigrations(db, options.schema)).filter((name) => !(name in known));
  if (unknown.length > 0) {
    throw new StoreSchemaError(
      `the database at ${options.location} has schema version(s) ${unknown.join(', ')}, newer than this Faultline (${latestSchemaVersion(options.dialect)})`,
      { hint: 'Upgrade Faultline to the version that wrote this database, or point it at another database.' },
    );
  }
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => known },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    ...(options.schema !== undefined ? { migrationTableSchema: options.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new StoreSchemaError(
      `migrating the database at ${options.location} failed${failed ? ` in ${failed}` : ''}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error, hint: 'The migration ran in a transaction where the database allows it; fix the cause and start again.' },
    );
  }
  return latestSchemaVersion(options.dialect);
}

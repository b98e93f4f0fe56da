import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../dialects/dialect.js';

/** The first schema: runs + journal, experiments, tokens, audit, halt, schedules, leases. */
export function initialMigration(dialect: Dialect): Migration {
  // The only dialect difference in the whole schema: how an auto-increment key is spelled.
  const autoId = (db: Kysely<unknown>, table: string) =>
    dialect === 'sqlite'
      ? db.schema.createTable(table).addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      : db.schema.createTable(table).addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity());

  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('experiment', 'text', (c) => c.notNull())
        .addColumn('experiment_version', 'integer')
        .addColumn('labels', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text')
        .addColumn('reason', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('ended_at', 'text')
        .addColumn('idempotency_key', 'text', (c) => c.unique())
        .addColumn('request_hash', 'text')
        .addColumn('fencing_token', 'bigint')
        .addColumn('schedule_id', 'text')
        .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('cli', 'api', 'schedule')`))
        .addColumn('dry_run', 'integer', (c) => c.notNull())
        .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('runs_created_idx').on('runs').columns(['created_at', 'id']).execute();
      await db.schema.createIndex('runs_state_idx').on('runs').columns(['state', 'created_at']).execute();
      await db.schema.createIndex('runs_experiment_idx').on('runs').columns(['experiment', 'created_at']).execute();
      await db.schema.createIndex('runs_schedule_idx').on('runs').column('schedule_id').execute();

      await db.schema
        .createTable('run_labels')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('run_labels_pk', ['run_id', 'key'])
        .execute();
      await db.schema.createIndex('run_labels_kv_idx').on('run_labels').columns(['key', 'value']).execute();

      await db.schema
        .createTable('journal_events')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('journal_events_pk', ['run_id', 'seq'])
        .execute();

      await db.schema
        .createTable('experiments')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('parsed', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('deleted_at', 'text')
        .addColumn('deleted_by', 'text')
        .addPrimaryKeyConstraint('experiments_pk', ['name', 'version'])
        .execute();

      await db.schema
        .createTable('tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();

      await autoId(db, 'audit_log')
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_token_id', 'text')
        .addColumn('actor_name', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('remote_address', 'text')
        .addColumn('details', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('halt_state')
        .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
        .addColumn('halted', 'integer', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('halted_by', 'text')
        .addColumn('at', 'text')
        .execute();
      await sql`insert into halt_state (id, halted) values (1, 0)`.execute(db);

      await db.schema
        .createTable('schedules')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('paused', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('last_fire_at', 'text')
        .addColumn('last_decision', 'text')
        .addColumn('last_reason', 'text')
        .addColumn('last_run_id', 'text')
        .execute();

      // No foreign key to schedules: the fire history outlives a deleted schedule (it explains past runs).
      await autoId(db, 'schedule_fires')
        .addColumn('schedule_id', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('decision', 'text', (c) => c.notNull().check(sql`decision in ('started', 'skipped')`))
        .addColumn('reason', 'text')
        .addColumn('run_id', 'text')
        .execute();
      await db.schema.createIndex('schedule_fires_schedule_idx').on('schedule_fires').columns(['schedule_id', 'id']).execute();

      await db.schema
        .createTable('leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text')
        .addColumn('fencing_token', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('acquired_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}

import type { Kysely, Migration } from 'kysely';

/**
 * Run ownership across controller replicas (issue 14): which replica owns an unfinished run, until when
 * (a lease the owner renews), and a fencing token that every adoption bumps. Older rows get no owner
 * (NULL) and token 0: they are adoptable like a run whose owner's lease has expired.
 */
export function runOwnershipMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('runs').addColumn('owner', 'text').execute();
      await db.schema.alterTable('runs').addColumn('owner_token', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('runs').addColumn('owner_renewed_at', 'text').execute();
      await db.schema.alterTable('runs').addColumn('owner_expires_at', 'text').execute();
      await db.schema.createIndex('runs_owner_idx').on('runs').columns(['owner', 'state']).execute();
    },
  };
}

import type { Kysely, Migration } from 'kysely';

/**
 * Game days hosted by a controller (issue 18): one row per day (its name, state and outcome, mirrored from
 * its journal) and the day's journal (`gameday_events`: steps, gate answers, checklist ticks, notes, guard
 * observations, resume decisions, the end), written ahead like a run's journal. `step` is copied out of the
 * event body so that a step's answers and notes are one indexed query. Who drives a day is a lease
 * (`leases`, name `gameday:<id>`); appends can be fenced by that lease's token.
 */
export function gamedaysMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('gamedays')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text')
        .addColumn('reason', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text')
        .addColumn('last_seq', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('gamedays_state_idx').on('gamedays').columns(['state', 'created_at']).execute();
      await db.schema
        .createTable('gameday_events')
        .addColumn('day_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('step', 'integer')
        .addColumn('body', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('gameday_events_pk', ['day_id', 'seq'])
        .execute();
      await db.schema.createIndex('gameday_events_step_idx').on('gameday_events').columns(['day_id', 'step']).execute();
    },
  };
}

// 011: the queue's shared switches. One row (id 1): `paused` stops every worker sharing the store
// (all processes and nodes) from claiming jobs until it is cleared (`job pause` / `job resume`).
// Workers re-read it at most every half second (queue/pause-gate.ts), not per claim.
import type { Kysely, Migration } from 'kysely';
import { columnTypes } from './column-types.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

async function up(db: AnyDb): Promise<void> {
  const ms = columnTypes(db).bigint;
  await db.schema
    .createTable('queue_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('paused', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('changed_at', ms)
    .addColumn('changed_by', 'text')
    .execute();
  await db.insertInto('queue_state').values({ id: 1, paused: 0 }).execute();
}

async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('queue_state').ifExists().execute();
}

export const queueState: Migration = { up, down };

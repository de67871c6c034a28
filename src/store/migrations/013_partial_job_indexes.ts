// 013: the jobs indexes on columns most jobs leave NULL hold only the rows that set them. Every
// job inserted put a NULL entry into jobs_schedule_idx and (PostgreSQL) into the idempotency key's
// unique index, and on PostgreSQL every claim and every completion (updates that change an indexed
// column, so never HOT) put one more into each: two index insertions of nine per write, for
// entries no query reads. Lookups by schedule (`schedule_id = ?`, and the foreign key's ON DELETE
// SET NULL) and by key (`ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL`) imply
// the predicate, so both engines still use these indexes for them.
// SQLite's key uniqueness stays the column's UNIQUE constraint: SQLite cannot drop one without
// rebuilding the table, and its UPDATEs skip indexes whose columns they do not change anyway.
import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypes } from './column-types.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

async function up(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('jobs_schedule_idx').execute();
  await db.schema
    .createIndex('jobs_schedule_idx')
    .on('jobs')
    .column('schedule_id')
    .where(sql.ref('schedule_id'), 'is not', null)
    .execute();
  if (columnTypes(db).postgres) {
    await sql`alter table jobs drop constraint jobs_idempotency_key_key`.execute(db);
    await db.schema
      .createIndex('jobs_idempotency_key_key')
      .on('jobs')
      .column('idempotency_key')
      .unique()
      .where(sql.ref('idempotency_key'), 'is not', null)
      .execute();
  }
}

async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('jobs_schedule_idx').execute();
  await db.schema.createIndex('jobs_schedule_idx').on('jobs').column('schedule_id').execute();
  if (columnTypes(db).postgres) {
    await db.schema.dropIndex('jobs_idempotency_key_key').execute();
    await sql`alter table jobs add constraint jobs_idempotency_key_key unique (idempotency_key)`.execute(db);
  }
}

export const partialJobIndexes: Migration = { up, down };

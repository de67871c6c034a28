// Column types that differ between the dialects, chosen once so every migration agrees.
import { sql } from 'kysely';
import { isPostgres } from '../codec.ts';
import type { ColumnDefinitionBuilder, CreateTableBuilder, Kysely } from 'kysely';

export interface ColumnTypes {
  postgres: boolean;
  /** Adds the auto-increment integer primary key `id`. */
  id<T extends string>(table: CreateTableBuilder<T>): CreateTableBuilder<T, 'id'>;
  /** A reference to another table's `id`, and epoch-millisecond timestamps. */
  bigint: 'bigint' | 'integer';
  /** Byte-order comparison for sort keys (PostgreSQL's default collation is locale-aware). */
  binaryCollation(col: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
}

// Migrations receive Kysely<any>: they run against whatever schema version the database is at.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function columnTypes(db: Kysely<any>): ColumnTypes {
  const postgres = isPostgres(db);
  return {
    postgres,
    id: (table) =>
      postgres
        ? table.addColumn('id', 'bigserial', (c) => c.primaryKey())
        : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement()),
    bigint: postgres ? 'bigint' : 'integer',
    binaryCollation: (col) => (postgres ? col.modifyEnd(sql`collate "C"`) : col),
  };
}

// A VALUES list usable as a table in UPDATE … FROM on both dialects: every parameter is cast, so
// PostgreSQL knows the column types (untyped parameters in VALUES would be text), and the columns
// are referred to as v.column1, v.column2, … (the name both dialects give VALUES columns).
import { sql, type RawBuilder } from 'kysely';

export type ValueType = 'bigint' | 'integer' | 'text';

export function valuesTable(
  rows: readonly (readonly unknown[])[],
  types: readonly ValueType[],
): RawBuilder<unknown> {
  if (rows.length === 0) throw new RangeError('valuesTable needs at least one row');
  const casts = types.map((t) => sql.raw(t));
  return sql`(values ${sql.join(
    rows.map((row) => {
      if (row.length !== types.length) {
        throw new RangeError(`valuesTable row has ${row.length} values for ${types.length} columns`);
      }
      return sql`(${sql.join(row.map((value, i) => sql`cast(${value} as ${casts[i]})`))})`;
    }),
  )}) as v`;
}

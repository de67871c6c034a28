// `column IN (ids)` whose statement text does not depend on how many ids there are: the ids travel
// as one parameter (PostgreSQL an array, SQLite a JSON array read with json_each). A list of `?`
// per id made a new statement for every length: the worker checks its running jobs for cancel
// requests 20 times a second, with up to a few hundred ids, and each new length was prepared
// (SQLite) or planned (both) again.
import { sql, type RawBuilder } from 'kysely';
import { isPostgres, type Db } from './codec.ts';

export function inIds(db: Db, column: string, ids: readonly number[]): RawBuilder<boolean> {
  return isPostgres(db)
    ? sql<boolean>`${sql.ref(column)} = any(cast(${[...ids]} as bigint[]))`
    : sql<boolean>`${sql.ref(column)} in (select value from json_each(${JSON.stringify(ids)}))`;
}

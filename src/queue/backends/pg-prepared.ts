// Runs the queue's hot statements as named prepared statements on PostgreSQL: each is planned once
// per connection instead of on every call (planning the claim's and the completion's CTEs costs
// about as much as running them). The name travels as a marker in the text (store/pg-named.ts), so
// it works on a pooled connection and on a transaction's alike.
import type pg from 'pg';
import type { CompiledQuery } from 'kysely';
import type { Db } from '../../store/codec.ts';
import { named } from '../../store/pg-named.ts';

export type RunPrepared = <R>(name: string, query: CompiledQuery<R>, db?: Db) => Promise<R[]>;

export function preparedRunner(db: Db, pool: pg.Pool | undefined): RunPrepared {
  return async <R>(name: string, query: CompiledQuery<R>, on: Db = db): Promise<R[]> => {
    if (!pool) return (await on.executeQuery(query)).rows;
    const marked = named(name, query);
    if (on.isTransaction) return (await on.executeQuery(marked)).rows;
    // Outside a transaction straight through the pool (no query builder on the hottest path),
    // with the same text as the marked statement, so the name holds one text per connection.
    const { rows } = await pool.query<R & pg.QueryResultRow>({
      name,
      text: marked.sql,
      values: [...marked.parameters],
    });
    return rows;
  };
}

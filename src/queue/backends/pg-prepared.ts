// Runs the queue's hot statements as named prepared statements on PostgreSQL: each is planned once
// per pooled connection instead of on every call (planning the claim's and the completion's CTEs
// costs about as much as running them). Inside a transaction the statement goes through that
// transaction's connection instead (the pool cannot join it), unprepared.
import type pg from 'pg';
import type { CompiledQuery } from 'kysely';
import type { Db } from '../../store/codec.ts';

export type RunPrepared = <R>(name: string, query: CompiledQuery<R>, db?: Db) => Promise<R[]>;

export function preparedRunner(db: Db, pool: pg.Pool | undefined): RunPrepared {
  return async <R>(name: string, query: CompiledQuery<R>, on: Db = db): Promise<R[]> => {
    if (!pool || on.isTransaction) return (await on.executeQuery(query)).rows;
    const { rows } = await pool.query<R & pg.QueryResultRow>({
      name,
      text: query.sql,
      values: [...query.parameters],
    });
    return rows;
  };
}

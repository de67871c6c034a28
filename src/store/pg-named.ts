// Named prepared statements on every PostgreSQL connection, including a transaction's. A statement
// whose text begins with `/* ratchet:NAME */` is sent as the prepared statement NAME: parsed and
// planned once per connection (PostgreSQL switches to a cached generic plan after five runs)
// instead of on every call. The hot statements of the queue and the workflow engine are CTEs whose
// planning costs about as much as running them; a transaction's statements go through the
// connection Kysely holds for it, where the pool's own prepared path cannot reach, hence a marker
// in the text rather than an API. A NAME must always carry the same text: pg refuses a second text
// under one name on one connection.
import { CompiledQuery } from 'kysely';
import type pg from 'pg';

const MARKER = /^\/\* ratchet:([\w.-]+) \*\//;

/** The query marked to run as the named prepared statement `name` (on PostgreSQL; a comment elsewhere). */
export function named<R>(name: string, query: CompiledQuery<R>): CompiledQuery<R> {
  return CompiledQuery.raw(`/* ratchet:${name} */ ${query.sql}`, [...query.parameters]);
}

/** Makes a pooled client send marked statements as named prepared statements. */
export function prepareMarkedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const [text, values] = args;
    const name = typeof text === 'string' ? MARKER.exec(text)?.[1] : undefined;
    if (name === undefined || (values !== undefined && !Array.isArray(values))) return query(...args);
    return query({ name, text, values });
  };
}

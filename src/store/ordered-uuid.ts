// Identifiers for rows inserted at a high rate (jobs, executions): UUID version 7 (RFC 9562), whose
// first 48 bits are the time in milliseconds. A random (version 4) key lands on a random leaf page
// of its unique index, so every insert dirtied another page and every commit wrote one more page
// to the WAL per row; time-ordered keys go to the index's last pages, which a batch shares.
import { randomUUID } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';

/**
 * The head a version 7 UUID shares with every other of its millisecond: `tttttttt-tttt-7`, the
 * whole milliseconds in 12 hex digits (a test clock may give fractions; 48 bits last until 10889)
 * and the version digit. What follows it is a version 4 UUID's text from its 16th character on
 * (`xxx-yxxx-xxxxxxxxxxxx`): its variant bits and 74 of its random bits.
 */
function head(now: number): string {
  const time = Math.min(Math.max(0, Math.floor(now)), 2 ** 48 - 1)
    .toString(16)
    .padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7`;
}

/** A version 7 UUID: Node's pooled random version 4 UUID with the time written over its head. */
export function orderedUuid(now: number = Date.now()): string {
  return head(now) + randomUUID().slice(15);
}

/** The same in PostgreSQL, drawn per row (for INSERT … SELECT): the time `now` over gen_random_uuid(). */
export function orderedUuidSql(now: number): RawBuilder<string> {
  return sql<string>`(cast(${head(now)} as text) || substr(gen_random_uuid()::text, 16))`;
}

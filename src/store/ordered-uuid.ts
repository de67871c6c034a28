// Identifiers for rows inserted at a high rate (jobs, executions): UUID version 7 (RFC 9562), whose
// first 48 bits are the time in milliseconds. A random (version 4) key lands on a random leaf page
// of its unique index, so every insert dirtied another page and every commit wrote one more page
// to the WAL per row; time-ordered keys go to the index's last pages, which a batch shares.
import { randomUUID } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';

/** 12 hex digits of whole milliseconds (a test clock may give fractions; 48 bits last until 10889). */
function timeHex(now: number): string {
  return Math.min(Math.max(0, Math.floor(now)), 2 ** 48 - 1)
    .toString(16)
    .padStart(12, '0');
}

/** A version 7 UUID: Node's pooled random version 4 UUID with the time written over its head. */
export function orderedUuid(now: number = Date.now()): string {
  const random = randomUUID();
  const time = timeHex(now);
  // xxxxxxxx-xxxx-4xxx-…: the first 12 hex digits become the time, the version digit 7; the
  // variant bits and the remaining 74 random bits stay as randomUUID drew them.
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}

/** The same in PostgreSQL, drawn per row (for INSERT … SELECT): the time `now` over gen_random_uuid(). */
export function orderedUuidSql(now: number): RawBuilder<string> {
  const time = timeHex(now);
  return sql<string>`(cast(${`${time.slice(0, 8)}-${time.slice(8, 12)}-7`} as text) || substr(gen_random_uuid()::text, 16))`;
}

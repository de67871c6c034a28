// The throwaway stores each contestant-run works in, named from one prefix the orchestrator hands
// to the child (`bpeers_<hex>`): PostgreSQL databases `<prefix>_<n>`, BullMQ key prefixes
// `<prefix>_<n>:`, SQLite files in a temporary folder. The child drops each store after its
// scenario; the orchestrator sweeps everything carrying the prefix once the child has exited, so a
// child that crashed or was killed leaves nothing behind either.
import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Redis } from 'ioredis';
import { PG_ADMIN_URL } from '../../src/store/test-helpers/temp-db.ts';

export { PG_ADMIN_URL };
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** What a contestant keeps its queue in. */
export type StoreKind = 'sqlite' | 'postgres' | 'redis';

/** One fresh store: a database URL (sqlite:// or postgres://) or, for Redis, a key prefix. */
export interface Slot {
  url: string;
  redisPrefix: string;
  dispose(): Promise<void>;
}

const SAFE_PREFIX = /^bpeers_[0-9a-f]+$/;

function checkPrefix(prefix: string): void {
  // The prefix ends up in SQL identifiers and in a Redis SCAN pattern.
  if (!SAFE_PREFIX.test(prefix)) throw new Error(`bad store prefix "${prefix}" (expected bpeers_<hex>)`);
}

async function adminQuery<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${PG_ADMIN_URL} (${(err as Error).message}); ` +
        'start it on 127.0.0.1:5432 or set RATCHET_TEST_PG_URL',
      { cause: err },
    );
  }
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

function databaseUrl(name: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A Redis client that fails at once when the server is down instead of retrying for ever. */
export async function connectRedis(): Promise<Redis> {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  redis.on('error', () => {}); // surfaced by connect() below
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new Error(
      `Redis is not reachable at ${REDIS_URL} (${(err as Error).message}); start it or set BENCH_REDIS_URL`,
      {
        cause: err,
      },
    );
  }
  return redis;
}

/** Deletes every key starting with prefix; returns how many. */
export async function deleteRedisKeys(prefix: string): Promise<number> {
  const redis = await connectRedis();
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Drops every database whose name starts with `<prefix>_`; returns their names. */
export async function dropPgDatabases(prefix: string): Promise<string[]> {
  checkPrefix(prefix);
  const rows = await adminQuery<{ datname: string }>(
    'select datname from pg_database where starts_with(datname, $1)',
    [`${prefix}_`],
  );
  for (const { datname } of rows) await adminQuery(`drop database if exists "${datname}" with (force)`);
  return rows.map((r) => r.datname);
}

/** Fresh store number n for one scenario of a contestant-run. */
export async function freshSlot(
  kind: StoreKind,
  prefix: string,
  sqliteDir: string,
  n: number,
): Promise<Slot> {
  checkPrefix(prefix);
  const name = `${prefix}_${n}`;
  if (kind === 'postgres') {
    await adminQuery(`create database "${name}"`);
    return {
      url: databaseUrl(name),
      redisPrefix: name,
      dispose: async () => void (await adminQuery(`drop database if exists "${name}" with (force)`)),
    };
  }
  if (kind === 'sqlite') {
    const dir = join(sqliteDir, name);
    await mkdir(dir, { recursive: true });
    return {
      url: `sqlite://${join(dir, 'queue.db')}`,
      redisPrefix: name,
      dispose: () => rm(dir, { recursive: true, force: true }),
    };
  }
  (await connectRedis()).disconnect(); // fail fast and clearly when Redis is down
  return { url: REDIS_URL, redisPrefix: name, dispose: async () => void (await deleteRedisKeys(`${name}:`)) };
}

/** The installed version of a dependency of bench/peers (some packages do not export package.json). */
export function packageVersion(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  while (dir !== dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === name && pkg.version !== undefined) return pkg.version;
    } catch {
      // no package.json here: look one folder up
    }
    dir = dirname(dir);
  }
  throw new Error(`cannot find the installed version of ${name}`);
}

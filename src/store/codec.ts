// Conversions between what the tables hold (epoch ms, JSON text, 0/1 booleans) and what the
// repositories return (ISO strings, objects, booleans). Kept in one place so every repo agrees.
import { PostgresAdapter, type Kysely, type Transaction } from 'kysely';
import type { DatabaseSchema } from './schema.ts';

export type Db = Kysely<DatabaseSchema>;

/** A point in time as callers may give it: Date, epoch milliseconds or an ISO-8601 string. */
export type TimeInput = Date | number | string;

export function toMs(value: TimeInput, what = 'time'): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new RangeError(`${what} ${JSON.stringify(String(value))} is not a valid time`);
  return Math.trunc(ms);
}

export function iso(ms: number): string;
export function iso(ms: number | null): string | null;
export function iso(ms: number | null): string | null {
  if (ms === null) return null;
  const n = Number(ms);
  const hit = recentIso.get(n);
  if (hit !== undefined) return hit;
  const text = new Date(n).toISOString();
  if (recentIso.size >= RECENT_ISO) recentIso.clear();
  recentIso.set(n, text);
  return text;
}

/**
 * Recently formatted times. A batch of jobs shares most of its timestamps (claimed, leased, updated,
 * finished at the same millisecond), and toISOString was a visible share of a worker's main thread.
 */
const recentIso = new Map<number, string>();
const RECENT_ISO = 256;

export function bool(value: boolean | number): boolean {
  return value === true || value === 1;
}

export function toJson(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value);
}

export function toJsonOrNull(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

export function fromJson<T = unknown>(text: string): T;
export function fromJson<T = unknown>(text: string | null): T | null;
export function fromJson<T = unknown>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

/** Runs fn in a transaction, or directly when db already is one (Kysely forbids nesting). */
export async function inTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db);
  return db.transaction().execute((trx: Transaction<DatabaseSchema>) => fn(trx));
}

/** True when err is a unique-constraint violation (PostgreSQL 23505, SQLite extended code 2067). */
export function isUniqueViolation(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as { code?: unknown; errcode?: unknown };
  return e.code === '23505' || e.errcode === 2067 || e.errcode === 1555;
}

/** Thrown when a write would break a uniqueness rule; REST maps it to 409 CONFLICT. */
export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** Thrown when a referenced row does not exist; REST maps it to 404 NOT_FOUND. */
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

const NUMERIC_OR_UUID = /^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/**
 * The one "not found" for rows named by id or UUID (jobs, executions), the same on every face:
 * `no job 999`, with a hint only when the reference could never match.
 */
export function notFoundById(kind: string, ref: string | number): NotFoundError {
  const hint = NUMERIC_OR_UUID.test(String(ref)) ? '' : ' (give a numeric id or a UUID)';
  return new NotFoundError(`no ${kind} ${ref}${hint}`);
}

/** True when `db` (or a transaction of it) runs on PostgreSQL; SQLite otherwise. */
export function isPostgres(db: { getExecutor(): { readonly adapter: unknown } }): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

// Many jobs in one transaction (bulk enqueue): multi-row INSERTs in chunks that stay under each
// engine's bound-parameter limit, idempotency keys honoured across the database and within the
// batch (a key seen twice returns the first job), results in the order of the inputs.
import type { Db } from '../codec.ts';
import { newJobRow, toJob, type InsertJobInput, type JobRecord } from './jobs.ts';

/** 17 columns a row: 500 rows stay well under SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
const ROWS_PER_INSERT = 500;

/** Inserts the jobs inside `trx` (the caller's transaction: all or nothing). */
export async function insertJobs(
  trx: Db,
  inputs: readonly InsertJobInput[],
): Promise<{ job: JobRecord; created: boolean }[]> {
  const now = Date.now();
  const results: ({ job: JobRecord; created: boolean } | undefined)[] = new Array(inputs.length);
  // Within the batch, the first item with a key inserts; later ones with that key reuse its job.
  const firstWithKey = new Map<string, number>();
  const pending: { index: number; row: ReturnType<typeof newJobRow> }[] = [];
  const repeats: { index: number; first: number }[] = [];
  for (const [index, input] of inputs.entries()) {
    const key = input.idempotencyKey;
    if (key != null) {
      const first = firstWithKey.get(key);
      if (first !== undefined) {
        repeats.push({ index, first });
        continue;
      }
      firstWithKey.set(key, index);
    }
    pending.push({ index, row: newJobRow(input, now) });
  }
  const conflicted: { index: number; key: string }[] = [];
  for (let at = 0; at < pending.length; at += ROWS_PER_INSERT) {
    const chunk = pending.slice(at, at + ROWS_PER_INSERT);
    const rows = await trx
      .insertInto('jobs')
      .values(chunk.map((c) => c.row))
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returningAll()
      .execute();
    // RETURNING's order is not promised: match rows by the UUIDs generated here.
    const byUuid = new Map(rows.map((r) => [r.uuid, r]));
    for (const { index, row } of chunk) {
      const inserted = byUuid.get(row.uuid);
      if (inserted) results[index] = { job: toJob(inserted), created: true };
      else conflicted.push({ index, key: row.idempotency_key! });
    }
  }
  // Keys that already had a job before this batch.
  for (let at = 0; at < conflicted.length; at += ROWS_PER_INSERT) {
    const chunk = conflicted.slice(at, at + ROWS_PER_INSERT);
    const rows = await trx
      .selectFrom('jobs')
      .selectAll()
      .where(
        'idempotency_key',
        'in',
        chunk.map((c) => c.key),
      )
      .execute();
    const byKey = new Map(rows.map((r) => [r.idempotency_key, r]));
    for (const { index, key } of chunk) results[index] = { job: toJob(byKey.get(key)!), created: false };
  }
  for (const { index, first } of repeats) results[index] = { job: results[first]!.job, created: false };
  return results as { job: JobRecord; created: boolean }[];
}

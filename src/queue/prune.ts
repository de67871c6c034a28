// Retention: finished jobs and executions older than the configured ages are deleted in batches
// (short transactions, so workers are never blocked for long). COMPLETED work follows
// `completedBefore`; FAILED and CANCELLED work follows `failedBefore`. Undefined keeps forever.
import { sql } from 'kysely';
import type { Db } from '../store/codec.ts';

export interface PruneOptions {
  completedBefore?: number;
  failedBefore?: number;
  batchSize?: number;
}

export interface PruneResult {
  jobs: number;
  executions: number;
}

async function deleteInBatches(
  db: Db,
  table: 'jobs' | 'executions',
  statuses: string[],
  before: number,
  batchSize: number,
): Promise<number> {
  let total = 0;
  for (;;) {
    const res = await sql`
      delete from ${sql.table(table)} where id in (
        select id from ${sql.table(table)}
        where status in (${sql.join(statuses)}) and finished_at < ${before}
        limit ${batchSize})`.execute(db);
    const n = Number(res.numAffectedRows ?? 0);
    total += n;
    if (n < batchSize) return total;
  }
}

export async function pruneFinished(db: Db, opts: PruneOptions): Promise<PruneResult> {
  const batch = opts.batchSize ?? 1000;
  const out: PruneResult = { jobs: 0, executions: 0 };
  const rules: [string[], number | undefined][] = [
    [['COMPLETED'], opts.completedBefore],
    [['FAILED', 'CANCELLED'], opts.failedBefore],
  ];
  for (const [statuses, before] of rules) {
    if (before === undefined) continue;
    out.executions += await deleteInBatches(db, 'executions', statuses, before, batch);
    out.jobs += await deleteInBatches(db, 'jobs', statuses, before, batch);
  }
  return out;
}

/** The cut-off times for the configured retention days (0: keep forever). */
export function retentionCutoffs(
  retention: { completed_days: number; failed_days: number },
  now: number,
): PruneOptions {
  const day = 86_400_000;
  return {
    completedBefore: retention.completed_days > 0 ? now - retention.completed_days * day : undefined,
    failedBefore: retention.failed_days > 0 ? now - retention.failed_days * day : undefined,
  };
}

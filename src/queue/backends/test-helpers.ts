// For the PostgreSQL backend's plan tests: the claim and completion statements exactly as the
// backend prepares them, captured instead of run, to be prepared and explained on a test's own
// connection.
import type { CompiledQuery } from 'kysely';
import type { Db } from '../../store/codec.ts';
import type { ClaimedJob, ClaimOptions } from '../claim-jobs.ts';
import { claimInOneStatement } from './pg-claim.ts';
import { completeJobsPostgres } from './pg-complete.ts';
import type { RunPrepared } from './pg-prepared.ts';

async function captured(use: (run: RunPrepared) => Promise<unknown>): Promise<CompiledQuery> {
  let statement: CompiledQuery | undefined;
  const capture: RunPrepared = async (_name, query) => {
    statement = query;
    return [];
  };
  await use(capture);
  if (!statement) throw new Error('no statement reached the prepared runner');
  return statement;
}

/** The one-statement claim for these options. */
export function claimStatement(db: Db, opts: ClaimOptions): Promise<CompiledQuery> {
  return captured((run) => claimInOneStatement(db, run, opts));
}

/** The completion of these claimed attempts, each COMPLETED by `workerId` with `{ ok: true }`. */
export function completionStatement(
  db: Db,
  claimed: readonly ClaimedJob[],
  workerId: string,
): Promise<CompiledQuery> {
  const results = claimed.map((c) => ({
    jobId: c.job.id,
    attempt: c.job.attempts,
    executionId: c.executionId,
    workerId,
    status: 'COMPLETED' as const,
    output: { ok: true },
    finishedAt: Date.now(),
  }));
  return captured((run) => completeJobsPostgres(db, run, results));
}

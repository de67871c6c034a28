// The SQLite queue backend. Every write takes the database's one write lock (BEGIN IMMEDIATE), which
// also serialises claims, so no row locks are needed. Direct dispatch inserts a job already claimed
// when this process's worker is idle (sqlite-insert-claimed.ts: a transaction less per job).
// Without fresh statistics SQLite's planner prefers the status index
// and sorts every claimable row; the partial indexes already hold the rows in claim order, so the
// scans name them.
import { sql } from 'kysely';
import type { Store } from '../../store/database.ts';
import { insertJob } from '../../store/repos/jobs.ts';
import { insertJobs } from '../../store/repos/jobs-bulk.ts';
import { inTransaction } from '../../store/codec.ts';
import type { QueueBackend } from '../backend.ts';
import { FinishHooks } from '../finish-hooks.ts';
import { claimInTransaction, type ClaimDialect } from '../claim-jobs.ts';
import { completeJobsSqlite } from '../complete-jobs.ts';
import { reclaimExpiredJobs, type ReclaimDialect } from '../reclaim-expired.ts';
import { renewLeases } from '../renew-leases.ts';
import { sqliteNotifier } from './sqlite-notifier.ts';
import { insertClaimedSqlite } from './sqlite-insert-claimed.ts';
import { claimDirectly } from '../direct-dispatch.ts';

const CLAIM: ClaimDialect = {
  claimIndex: sql`indexed by jobs_claim_idx`,
  lockCandidates: sql``,
  // The write lock taken by BEGIN IMMEDIATE already serialises every claim.
  lockTask: () => Promise.resolve(),
  begin: () => Promise.resolve(),
  jsonRows: (json) => sql`json_each(${json})`,
  // Not knowing json_each's row count, the planner would scan the status index and probe the batch.
  byIdOnly: sql`not indexed`,
};

const RECLAIM: ReclaimDialect = { leaseIndex: sql`indexed by jobs_lease_idx`, lockExpired: sql`` };

export function sqliteQueueBackend(store: Store): QueueBackend {
  const { db } = store;
  const notifier = sqliteNotifier(db);
  const finishHooks = new FinishHooks();
  return {
    dialect: 'sqlite',
    notifier,
    finishHooks,
    async enqueue(input) {
      const result = await insertJob(db, input);
      if (result.created) await notifier.notify();
      return result;
    },
    async enqueueMany(inputs) {
      const results = await inTransaction(db, (trx) => insertJobs(trx, inputs));
      if (results.some((r) => r.created)) await notifier.notify();
      return results;
    },
    async claim(opts) {
      const claimed = await claimInTransaction(db, CLAIM, opts, finishHooks);
      // A busy worker commits claims and results many times a second: keep checkpoints off its thread.
      if (claimed.length > 0) store.offloadCheckpoints?.();
      return claimed;
    },
    insertClaimed: (input, claim) =>
      claimDirectly(claim, () => inTransaction(db, (trx) => insertClaimedSqlite(trx, input, claim))),
    complete(results, trx) {
      // Jobs claimed directly (a workflow's steps, a chain) never pass through claim(): their
      // results tell the store it is busy.
      if (results.length > 0) store.offloadCheckpoints?.();
      return completeJobsSqlite(trx ?? db, results);
    },
    renew: (workerId, jobIds, leaseMs, now) => renewLeases(db, workerId, jobIds, leaseMs, now),
    reclaim: (now, limit) => reclaimExpiredJobs(db, RECLAIM, now, limit, finishHooks),
    prepare: () => Promise.resolve(),
  };
}

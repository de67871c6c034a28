// The PostgreSQL queue backend. Many workers in many processes share the queue, so claims lock
// their candidates with FOR UPDATE SKIP LOCKED and never wait for each other. Round trips are what
// a claim costs here, so: with no concurrency limit in play a claim is one prepared statement
// (pg-claim.ts); a batch of completions is one statement (pg-complete.ts); enqueue NOTIFYs in its
// INSERT; and a job enqueued while a local executor thread idles is inserted already claimed
// (pg-insert-claimed.ts). Claims commit without waiting for the WAL flush (ASYNC_COMMIT).
import { sql } from 'kysely';
import type { Store } from '../../store/database.ts';
import { insertJob } from '../../store/repos/jobs.ts';
import { insertJobs } from '../../store/repos/jobs-bulk.ts';
import { copyJobs } from './pg-copy-jobs.ts';
import { inTransaction } from '../../store/codec.ts';
import type { QueueBackend } from '../backend.ts';
import { FinishHooks } from '../finish-hooks.ts';
import type { QueueCaches } from '../caches.ts';
import { claimInTransaction, type ClaimDialect } from '../claim-jobs.ts';
import { JOBS_CHANNEL } from '../notifier.ts';
import { reclaimExpiredJobs, type ReclaimDialect } from '../reclaim-expired.ts';
import { renewLeases } from '../renew-leases.ts';
import { anyMetadataLimit } from '../task-limits.ts';
import { claimInOneStatement } from './pg-claim.ts';
import { completeJobsPostgres } from './pg-complete.ts';
import { insertClaimedJob } from './pg-insert-claimed.ts';
import { pgNotifier } from './pg-notifier.ts';
import { preparedRunner } from './pg-prepared.ts';
import { QueueStatistics } from './pg-statistics.ts';

/**
 * A claim does not wait for its WAL flush (the fsync dominates a small claim). Safe: a claim lost
 * in a database crash only returns its jobs to the queue, and the attempt's result cannot be stored
 * (its guard needs the claim), while any later synchronous commit, such as that result, flushes the
 * claim first.
 */
const ASYNC_COMMIT = sql.raw('set local synchronous_commit to off');

const CLAIM: ClaimDialect = {
  claimIndex: sql``,
  lockCandidates: sql`for update of jobs skip locked`,
  // Held until the claim's transaction ends: claims of one limited task queue up across workers.
  lockTask: async (trx, taskId) => {
    await sql`select pg_advisory_xact_lock(7311, ${taskId}::int)`.execute(trx);
  },
  begin: async (trx) => {
    await ASYNC_COMMIT.execute(trx);
  },
  jsonRows: (json) => sql`json_array_elements(cast(${json} as json)) as rows(value)`,
  byIdOnly: sql``,
};

// Two workers reclaiming at once take different rows.
const RECLAIM: ReclaimDialect = { leaseIndex: sql``, lockExpired: sql`for update skip locked` };

export function postgresQueueBackend(
  store: Store,
  opts: { url?: string; caches: QueueCaches },
): QueueBackend {
  const { db } = store;
  const run = preparedRunner(db, store.pgPool);
  const notifier = pgNotifier(db, opts.url);
  const finishHooks = new FinishHooks();
  const statistics = new QueueStatistics(store);
  const created = <T extends { created: boolean }>(results: T[]): T[] => {
    statistics.noteQueued(results.filter((r) => r.created).length);
    return results;
  };
  return {
    dialect: 'postgres',
    notifier,
    finishHooks,
    async enqueue(input) {
      // The INSERT notifies other processes itself (one round trip); this process's workers are
      // woken directly.
      const result = await insertJob(db, input, {
        notifyChannel: JOBS_CHANNEL,
        notifyPayload: notifier.origin,
      });
      if (result.created) notifier.wakeHere();
      created([result]);
      return result;
    },
    async enqueueMany(inputs) {
      if (store.pgPool && !inputs.some((i) => i.idempotencyKey != null)) {
        // Keyless batches, the common case, are COPYed (pg-copy-jobs.ts); their NOTIFY too is sent at commit.
        const copied = await copyJobs(store.pgPool, inputs, {
          channel: JOBS_CHANNEL,
          payload: notifier.origin,
        });
        notifier.wakeHere();
        return created(copied);
      }
      const results = await inTransaction(db, async (trx) => {
        const inserted = await insertJobs(trx, inputs);
        // Delivered at commit, so other processes never wake for a batch that rolled back.
        if (inserted.some((r) => r.created))
          await sql`select pg_notify(${JOBS_CHANNEL}, ${notifier.origin})`.execute(trx);
        return inserted;
      });
      if (results.some((r) => r.created)) notifier.wakeHere();
      return created(results);
    },
    async insertClaimed(input, claim) {
      const inserted = await insertClaimedJob(db, run, input, claim);
      if (inserted) statistics.noteClaimed(1);
      return inserted;
    },
    async claim(claimOpts) {
      if (claimOpts.limit <= 0) return [];
      const limited =
        Object.keys(claimOpts.taskLimits ?? {}).length > 0 ||
        (await anyMetadataLimit(store, claimOpts.caches ?? opts.caches));
      const claimed = limited
        ? await claimInTransaction(db, CLAIM, claimOpts, finishHooks)
        : await claimInOneStatement(db, run, claimOpts, finishHooks);
      statistics.noteClaimed(claimed.length);
      return claimed;
    },
    complete: (results, trx) => completeJobsPostgres(trx ?? db, run, results),
    renew: (workerId, jobIds, leaseMs, now) => renewLeases(db, workerId, jobIds, leaseMs, now),
    reclaim: (now, limit) => reclaimExpiredJobs(db, RECLAIM, now, limit, finishHooks),
    prepare: () => statistics.prepare(),
  };
}

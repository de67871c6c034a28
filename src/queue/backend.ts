// The queue's database operations, one implementation per engine (in the style of a Kysely
// dialect): everything whose SQL or round-trip strategy differs between SQLite and PostgreSQL
// lives behind this interface (backends/sqlite.ts, backends/postgres.ts), and the worker, the
// result writer and enqueue are written once against it. openQueueBackend is the only place that
// asks which engine the store runs on; nothing outside queue/backends touches the pg driver.
import type { Db } from '../store/codec.ts';
import type { Dialect } from '../store/database.ts';
import type { InsertJobInput, JobRecord } from '../store/repos/jobs.ts';
import type { AttemptResult, FinishedAttempt } from './attempt.ts';
import type { ClaimedJob, ClaimOptions } from './claim-jobs.ts';
import type { DirectClaim } from './direct-dispatch.ts';
import type { FinishHooks } from './finish-hooks.ts';
import type { Notifier } from './notifier.ts';
import type { ReclaimedJob } from './reclaim-expired.ts';

export interface QueueBackend {
  readonly dialect: Dialect;
  /** Wake-ups across processes (enqueue, retry and cancel notify; workers subscribe). */
  readonly notifier: Notifier;
  /**
   * Run inside the transaction that stores a job's end (result writer, reclaim) for jobs that want
   * them (workflow steps): what they write commits with the result or not at all.
   */
  readonly finishHooks: FinishHooks;
  /** Queues a job and wakes the workers of every process. */
  enqueue(input: InsertJobInput): Promise<{ job: JobRecord; created: boolean }>;
  /** Queues many jobs in one transaction (all or none), results in input order; wakes workers once. */
  enqueueMany(inputs: readonly InsertJobInput[]): Promise<{ job: JobRecord; created: boolean }[]>;
  /**
   * Direct dispatch, on backends where it saves a round trip (absent elsewhere): inserts a due job
   * already claimed for the reservation's worker, with its execution row, and settles the
   * reservation; undefined when nothing was inserted (the caller then enqueues normally).
   */
  readonly insertClaimed?: (input: InsertJobInput, claim: DirectClaim) => Promise<ClaimedJob | undefined>;
  /**
   * Claims up to `opts.limit` due jobs and opens an execution for each, highest priority first,
   * honouring concurrency limits.
   */
  claim(opts: ClaimOptions): Promise<ClaimedJob[]>;
  /**
   * Stores successful attempts in bulk: one entry per result (undefined: the attempt no longer owns
   * its job). Atomic on its own; `trx`: as part of the caller's transaction.
   */
  complete(results: readonly AttemptResult[], trx?: Db): Promise<(FinishedAttempt | undefined)[]>;
  /** Extends the leases of running jobs; returns the ids this worker no longer owns. */
  renew(workerId: string, jobIds: readonly number[], leaseMs: number, now: number): Promise<number[]>;
  /** Returns jobs whose lease expired to the queue (or fails them on their last attempt). */
  reclaim(now: number, limit?: number): Promise<ReclaimedJob[]>;
  /** Once per worker start: anything the engine needs to claim fast (PostgreSQL: table statistics). */
  prepare(): Promise<void>;
}

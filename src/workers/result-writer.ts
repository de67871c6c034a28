// Write-behind buffer for attempt results: results collect for a few milliseconds (or until a batch
// fills) and are written in one transaction, so a busy worker pays one commit per batch rather than
// per job. Each result still goes through its own guarded UPDATE (written once per attempt).
import { backoffDelay } from '../backoff.ts';
import type { Store } from '../store/database.ts';
import { sql } from 'kysely';
import { inTransaction } from '../store/codec.ts';
import type { AttemptResult, FinishedAttempt } from '../queue/attempt.ts';
import type { QueueBackend } from '../queue/backend.ts';
import { fitResult, RESULT_STORE_ERROR, unstorable } from '../queue/fit-result.ts';
import { failJob } from '../queue/fail-job.ts';
import { GuardNeeded } from '../queue/finish-hooks.ts';
import { hooked, independentParts } from './result-parts.ts';
import { cancelRunningJob, handBackJob } from '../queue/stop-job.ts';
import type { QueueClock, RetryPolicy } from '../queue/clock.ts';

/** Storing results while the database is away: 100 ms after the first failure, doubling to 5 s. */
const STORE_RETRY = { initialMs: 50, maxMs: 5000 };

export interface PendingResult {
  result: AttemptResult;
  maxRetries: number;
  /** Return the job to the queue instead of recording a verdict (shutdown). */
  handBack?: boolean;
  /**
   * The job's workflow step: its result is written in a transaction with the finish hooks, and the
   * hooks' keys (queue/finish-hooks.ts) say which such results may be written side by side.
   */
  workflowStepId?: number | null;
}

interface Written {
  pending: PendingResult;
  finished: FinishedAttempt | undefined;
}

export interface ResultWriterOptions {
  policy: RetryPolicy;
  clock: QueueClock;
  maxBatch?: number;
  delayMs?: number;
  /** After each committed batch: what happened to each result (undefined = discarded as stale). */
  onWritten: (written: { pending: PendingResult; finished: FinishedAttempt | undefined }[]) => void;
  log?: (message: string) => void;
  /**
   * Transactions one write may run side by side (default 1): the results of workflow steps of
   * different runs are split among them (result-parts.ts).
   */
  parallelWrites?: number;
  /** True when nothing else is running: waiting for company would only add latency. */
  flushNow?: () => boolean;
  /** execution.max_result_bytes: each result is fitted to it when pushed (queue/fit-result.ts). */
  maxResultBytes?: number;
}

/**
 * Results one write stores at most. Results pile up while a write waits (a database that stalls on
 * its disk for a few seconds): taken whole, the backlog became one statement of 14,356 results that
 * ran for seconds while no lease could be renewed (renewals wait between writes), the leases
 * expired, and the batch then failed and was written again result by result: 30 s without a
 * stored result. In chunks, each write stays short and renewals get their turn between them.
 */
export const MAX_WRITE = 512;

export class ResultWriter {
  private readonly store: Store;
  private readonly queue: QueueBackend;
  private readonly opts: ResultWriterOptions;
  private buffer: PendingResult[] = [];
  private timer?: NodeJS.Timeout;
  /** The last section queued by between(); each starts when the one before it has settled. */
  private sections: Promise<void> = Promise.resolve();
  private draining?: Promise<void>;
  private failures = 0;
  private closed = false;

  constructor(store: Store, queue: QueueBackend, opts: ResultWriterOptions) {
    this.store = store;
    this.queue = queue;
    this.opts = opts;
  }

  get pending(): number {
    return this.buffer.length;
  }

  push(p: PendingResult): void {
    if (this.closed) {
      this.opts.log?.(`result of job ${p.result.jobId} arrived after shutdown; its lease will expire`);
      return;
    }
    // Fitted before it is buffered: the buffer never holds a record the database cannot take.
    if (this.opts.maxResultBytes !== undefined) {
      p.result = fitResult(p.result, this.opts.maxResultBytes);
    }
    this.buffer.push(p);
    if (this.buffer.length >= (this.opts.maxBatch ?? 64) || this.opts.flushNow?.()) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.opts.delayMs ?? 2);
    }
  }

  /**
   * Shutdown: no more writes or retries (the store is about to close). Results still buffered are
   * dropped; their jobs keep PROCESSING until their leases expire and then run again.
   */
  close(): number {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const dropped = this.buffer.length;
    this.buffer = [];
    return dropped;
  }

  /**
   * Runs `fn` between two writes: none is in flight while it runs, and none starts. The lease
   * renewal goes through here: it updates the same job rows as a completion, and the two
   * statements, taking the rows' locks in different orders, deadlocked on PostgreSQL (measured
   * from a 10,000-job backlog: a deadlock error after the detector's second, the batch written
   * again row by row, seconds without a stored result).
   */
  between<T>(fn: () => Promise<T>): Promise<T> {
    // A queue in call order: a renewal asked for during a write runs right after it, before the
    // next chunk of a backlog (waiters racing for a free slot let the backlog's writes win).
    const run = this.sections.then(fn);
    this.sections = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /**
   * Writes what is buffered, MAX_WRITE results per write; resolves once the buffer is empty (or a
   * failed write was put back for a retry later). One drain at a time: every push past maxBatch
   * calls flush(), and queued calls of their own would each take a turn before a lease renewal
   * waiting between writes; they join the drain in progress, which picks up their results.
   */
  flush(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return (this.draining ??= this.drain().finally(() => (this.draining = undefined)));
  }

  private async drain(): Promise<void> {
    // A timer set meanwhile (a retry's backoff, or a push's short wait) takes over from there.
    while (!this.closed && this.buffer.length > 0 && !this.timer) {
      // A write is itself a section between two others: it takes its chunk once its turn comes.
      await this.between(async () => {
        if (this.buffer.length > 0) await this.write(this.buffer.splice(0, MAX_WRITE));
      });
    }
  }

  /**
   * Completions (the common case) in one or two statements for the whole batch; the rest one by
   * one. Finish hooks first run unguarded (queue/finish-hooks.ts): when one fails, the batch is
   * written again with them guarded.
   */
  private async writeBatch(
    batch: PendingResult[],
    guarded = false,
    keys?: ReadonlyMap<number, number>,
  ): Promise<Written[]> {
    const completes = batch.filter((p) => !p.handBack && p.result.status === 'COMPLETED');
    const results = completes.map((p) => p.result);
    if (completes.length === batch.length && !batch.some(hooked)) {
      // Completions only, atomic on their own (one statement on PostgreSQL): no transaction here.
      const finished = await this.queue.complete(results);
      return batch.map((pending, i) => ({ pending, finished: finished[i] }));
    }
    let queued = 0;
    const after: ((committed: boolean) => void)[] = [];
    const transaction = inTransaction(this.store.db, async (trx) => {
      const completed = await this.queue.complete(results, trx);
      const finishedOf = new Map(completes.map((p, i) => [p, completed[i]]));
      for (const p of batch) {
        if (finishedOf.has(p)) continue;
        const r = p.result;
        const finished = p.handBack
          ? await handBackJob(trx, r)
          : r.status === 'CANCELLED'
            ? await cancelRunningJob(trx, r)
            : await failJob(trx, r, {
                maxRetries: p.maxRetries,
                policy: this.opts.policy,
                random: this.opts.clock.random,
              });
        finishedOf.set(p, finished);
      }
      const written = batch.map((p) => ({ pending: p, finished: finishedOf.get(p) }));
      const ended = written.flatMap((w) => (w.finished ? [w.finished] : []));
      queued += await this.queue.finishHooks.run(trx, ended, {
        guarded,
        afterCommit: (fn) => after.push(fn),
        ...(keys ? { keys } : {}),
      });
      return written;
    });
    let result: Written[];
    try {
      result = await transaction;
    } catch (err) {
      for (const fn of after) fn(false);
      if (err instanceof GuardNeeded && !guarded) return this.writeBatch(batch, true, keys);
      throw err;
    }
    for (const fn of after) fn(true);
    // Jobs the hooks queued (a workflow's next steps) are visible now.
    if (queued > 0) await this.queue.notifier.notify();
    return result;
  }

  private async write(batch: PendingResult[]): Promise<void> {
    const { parts, keys } = await independentParts(batch, {
      most: this.opts.parallelWrites ?? 1,
      hooks: this.queue.finishHooks,
      db: this.store.db,
    });
    await Promise.all(parts.map((part) => this.writePart(part, keys)));
  }

  private async writePart(batch: PendingResult[], keys?: ReadonlyMap<number, number>): Promise<void> {
    let written: Written[];
    try {
      written = await this.writeBatch(batch, false, keys);
      this.failures = 0;
    } catch (err) {
      this.opts.log?.(`cannot store ${batch.length} job result(s) together: ${(err as Error).message}`);
      const { written: alone, left } = await this.writeEach(batch);
      if (alone.length > 0) this.opts.onWritten(alone);
      if (left.length > 0) this.retryLater(left);
      return;
    }
    this.opts.onWritten(written);
  }

  /**
   * After a batch failed: each result on its own, so one bad record cannot hold back the others. A
   * result the database refuses while it answers other queries is poison: it is replaced by a small
   * failure (ResultStoreError) and never written again. When the database itself fails, the rest
   * waits for a retry.
   */
  private async writeEach(batch: PendingResult[]): Promise<{ written: Written[]; left: PendingResult[] }> {
    const written: Written[] = [];
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i]!;
      try {
        written.push(...(await this.writeBatch([p])));
        continue;
      } catch (err) {
        if (isTransient(err) || !(await this.databaseAnswers())) {
          return { written, left: batch.slice(i) };
        }
        const why = (err as Error).message.slice(0, 500);
        this.opts.log?.(`the database refused the result of job ${p.result.jobId}: ${why}; failing that job`);
        p.result = unstorable(
          p.result,
          `the database refused the execution's record (${why})`,
          RESULT_STORE_ERROR,
        );
      }
      try {
        written.push(...(await this.writeBatch([p])));
      } catch {
        return { written, left: batch.slice(i) };
      }
    }
    this.failures = 0;
    return { written, left: [] };
  }

  private async databaseAnswers(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.store.db);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The database is unreachable or busy: keep the results and try again with backoff. The leases
   * keep being renewed meanwhile, so no other worker re-runs these jobs.
   */
  private retryLater(left: PendingResult[]): void {
    this.failures++;
    this.opts.log?.(`cannot store ${left.length} job result(s) now; retrying`);
    this.buffer.unshift(...left);
    if (!this.timer && !this.closed) {
      this.timer = setTimeout(() => void this.flush(), backoffDelay(STORE_RETRY, this.failures));
    }
  }
}

/** Errors that say the database is busy or gone rather than that it refused this record. */
function isTransient(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  // PostgreSQL SQLSTATE classes: 08 connection, 40 rollback (serialisation, deadlock), 53 resources,
  // 57 operator intervention (shutdown, cancel), 58 system error; Node's socket errors.
  if (/^(08|40|53|57|58)[0-9A-Z]{3}$/.test(code)) return true;
  if (/^E[A-Z]+$/.test(code) && code !== 'ERR_SQLITE_ERROR') return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return /database is locked|database is busy|destroyed|connection|terminat|timeout/i.test(message);
}

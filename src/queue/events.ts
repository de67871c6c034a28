// The completion hook: whatever must happen after a job reaches a final state (output delivery,
// metrics) subscribes here. Listeners run in the process that finished the job, after its result
// is stored; a listener that throws or rejects is reported and never affects the job.
import type { JobRecord } from '../store/repos/jobs.ts';
import type { ExecutionRecord } from '../store/repos/executions.ts';
import type { LogEntry } from '../runtime/types.ts';

export interface JobFinishedEvent {
  job: JobRecord;
  execution: ExecutionRecord;
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED';
}

export type JobFinishedListener = (e: JobFinishedEvent) => void | Promise<void>;

/** Log lines a running job's task wrote, in a batch (workers/log-forwarder.ts bounds the rate). */
export interface JobLogEvent {
  jobId: number;
  executionId: number;
  entries: LogEntry[];
  /** Lines of the burst not forwarded (all are stored with the result). */
  dropped: number;
}

/** Where listener failures go; default one line on stderr. */
export type ListenerErrorReporter = (err: unknown, e: JobFinishedEvent) => void;

const SETTLED: Promise<void> = Promise.resolve();

const defaultReport: ListenerErrorReporter = (err, e) => {
  const why = err instanceof Error ? err.message : String(err);
  process.stderr.write(`warning: a job-finished listener failed for job ${e.job.id}: ${why}\n`);
};

/**
 * One per application (owned by the composition root), so two applications in one process
 * (tests) never see each other's events.
 */
export class JobEventHub {
  private readonly listeners = new Set<JobFinishedListener>();
  private readonly logListeners = new Set<(e: JobLogEvent) => void>();
  /** Listener calls still running, so shutdown can wait for them. */
  private readonly pending = new Set<Promise<void>>();
  private report: ListenerErrorReporter = defaultReport;

  /** Calls listener for every job this process finishes (COMPLETED, FAILED for good, CANCELLED). */
  on(listener: JobFinishedListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Calls listener with the log lines of jobs this process runs, while they run. */
  onLogs(listener: (e: JobLogEvent) => void): () => void {
    this.logListeners.add(listener);
    return () => {
      this.logListeners.delete(listener);
    };
  }

  /** Hands a batch of log lines to the listeners, synchronously; a listener's failure is ignored. */
  emitLogs(e: JobLogEvent): void {
    for (const listener of this.logListeners) {
      try {
        listener(e);
      } catch {
        // Live log lines are best effort: the result stores every line.
      }
    }
  }

  /** Replaces the reporter of listener failures (e.g. with the application's logger, or a test's collector). */
  setErrorReporter(report: ListenerErrorReporter): void {
    this.report = report;
  }

  /**
   * Runs every listener; never throws. The returned promise settles when all listeners did. A
   * listener that returns nothing costs no promise (most are synchronous, and this runs once per
   * finished job on the worker's main thread); one that returns a promise is tracked for drain().
   */
  emit(e: JobFinishedEvent): Promise<void> {
    let calls: Promise<void>[] | undefined;
    for (const listener of this.listeners) {
      let returned: void | Promise<void>;
      try {
        returned = listener(e);
      } catch (err) {
        this.reportSafely(err, e);
        continue;
      }
      if (returned === undefined) continue;
      const call = Promise.resolve(returned).then(
        () => undefined,
        (err: unknown) => this.reportSafely(err, e),
      );
      this.pending.add(call);
      void call.finally(() => this.pending.delete(call));
      (calls ??= []).push(call);
    }
    return calls ? Promise.all(calls).then(() => undefined) : SETTLED;
  }

  private reportSafely(err: unknown, e: JobFinishedEvent): void {
    try {
      this.report(err, e);
    } catch {
      // A broken reporter must not break the queue either.
    }
  }

  /**
   * Counts other work started after a commit (a workflow run's output delivery after a cancel)
   * among what drain() waits for. Its failure goes to the reporter's stderr line, never further.
   */
  track(work: Promise<unknown>, what: string): void {
    const call = work.then(
      () => undefined,
      (err: unknown) =>
        void process.stderr.write(
          `warning: ${what} failed: ${err instanceof Error ? err.message : String(err)}\n`,
        ),
    );
    this.pending.add(call);
    void call.finally(() => this.pending.delete(call));
  }

  /** Waits for listener calls still running (graceful shutdown); resolves false on timeout. */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.pending.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([Promise.all([...this.pending]).then(() => true as const), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

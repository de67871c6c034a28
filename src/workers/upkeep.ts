// The periodic chores of a queue worker while its jobs run: renew leases (and stop jobs whose lease
// was lost), notice cancel requests, put back jobs of dead workers whose lease expired, and store
// the latest progress report of each running job.
import type { QueueClock } from '../queue/clock.ts';
import { cancelRequestedAmong } from '../queue/renew-leases.ts';
import type { ClaimedJob } from '../queue/claim-jobs.ts';
import { updateExecutionProgress } from '../store/repos/executions.ts';
import type { QueueWorkerOptions } from './queue-worker.ts';

/** Checked this often while jobs run, so a running job stops well within 100 ms of a cancel. */
export const CANCEL_CHECK_MS = 50;
export const PROGRESS_WRITE_MS = 500;

/** One claimed attempt of this worker, from its claim until its result is stored. */
export interface Active {
  claimed: ClaimedJob;
  cancelRequested: boolean;
  handBack: boolean;
  /** Result handed to the writer; no longer running. */
  done: boolean;
  progress?: unknown;
  progressDirty?: boolean;
}

export class Upkeep {
  private readonly o: QueueWorkerOptions;
  private readonly clock: QueueClock;
  private readonly active: Map<number, Active>;
  private checking = false;
  private renewing = false;
  /** Runs the renewal between two result writes (ResultWriter.between). */
  private readonly betweenWrites: <T>(fn: () => Promise<T>) => Promise<T>;

  constructor(
    o: QueueWorkerOptions,
    clock: QueueClock,
    active: Map<number, Active>,
    betweenWrites: <T>(fn: () => Promise<T>) => Promise<T>,
  ) {
    this.o = o;
    this.clock = clock;
    this.active = active;
    this.betweenWrites = betweenWrites;
  }

  /** One renewal at a time: a slow one (a big backlog of results) must not pile up others. */
  async renew(): Promise<void> {
    if (this.renewing || this.active.size === 0) return;
    this.renewing = true;
    try {
      const lost = await this.betweenWrites(() => {
        // The ids are read once the writes in flight are stored: those jobs are done with.
        const ids = [...this.active.keys()];
        return ids.length === 0
          ? Promise.resolve([])
          : this.o.queue.renew(this.o.workerId, ids, this.o.leaseMs, this.clock.now());
      });
      for (const id of lost) {
        if (this.active.get(id)?.done === false) this.o.pool.cancel(id);
      }
    } catch (err) {
      this.o.log?.(`renewing leases failed: ${(err as Error).message}`);
    } finally {
      this.renewing = false;
    }
  }

  async checkCancels(): Promise<void> {
    if (this.checking) return;
    const running = [...this.active.entries()]
      .filter(([, a]) => !a.done && !a.cancelRequested)
      .map(([id]) => id);
    if (running.length === 0) return;
    this.checking = true;
    try {
      for (const id of await cancelRequestedAmong(this.o.store.db, running)) {
        const a = this.active.get(id);
        if (!a) continue;
        a.cancelRequested = true;
        this.o.pool.cancel(id);
      }
    } catch (err) {
      this.o.log?.(`checking cancel requests failed: ${(err as Error).message}`);
    } finally {
      this.checking = false;
    }
  }

  async reclaim(): Promise<void> {
    try {
      const reclaimed = await this.o.queue.reclaim(this.clock.now());
      if (reclaimed.length === 0) return;
      this.o.log?.(`reclaimed ${reclaimed.length} job(s) whose lease expired`);
      for (const { job, execution } of reclaimed) {
        if (job.status === 'FAILED' && execution) {
          void this.o.events.emit({ job, execution, status: 'FAILED' });
        }
      }
      await this.o.queue.notifier.notify();
    } catch (err) {
      this.o.log?.(`reclaiming expired leases failed: ${(err as Error).message}`);
    }
  }

  async writeProgress(): Promise<void> {
    for (const a of this.active.values()) {
      if (a.done || !a.progressDirty) continue;
      a.progressDirty = false;
      await updateExecutionProgress(this.o.store.db, a.claimed.executionId, a.progress).catch(() => {});
    }
  }
}

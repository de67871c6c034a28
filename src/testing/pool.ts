// A fixed set of worker threads running test cases. The sandbox blocks the thread that runs it
// (guest timers and fetch wait synchronously), so overlapping cases need separate threads; and
// since a case can be stuck where the sandbox cannot interrupt it, every case runs in one of these
// threads under the watchdog (runtime/watchdog.ts), which replaces a thread whose run outlived its
// deadline and reports the case as that TimeoutError.
import { Worker } from 'node:worker_threads';
import { hostStopped } from '../runtime/errors.ts';
import {
  DeadlineCell,
  onThreadLost,
  SANDBOX_THREAD_LIMITS,
  Watchdog,
  type Watched,
} from '../runtime/watchdog.ts';
import type { TaskPackage, TaskTestFile } from '../tasks/types.ts';
import { stoppedCaseResult, type CaseResult, type CaseRunOptions } from './run-case.ts';

export interface PoolJob {
  id: number;
  /** Identifies the task; the package itself is sent only the first time a worker sees the key. */
  key: number;
  pkg?: TaskPackage;
  file: TaskTestFile;
}

export type PoolAnswer = { id: number; result: CaseResult } | { id: number; error: string };

export interface CaseWorkerData {
  opts: CaseRunOptions;
  /** The thread's DeadlineCell (runtime/watchdog.ts). */
  deadline: SharedArrayBuffer;
}

// From src/ the entry is a .ts file (type stripping); from dist/ it is compiled to .js.
const WORKER_URL = new URL(
  `./case-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);

interface Pending {
  job: Omit<PoolJob, 'id'>;
  resolve: (r: CaseResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  cell: DeadlineCell;
  seen: Set<number>;
  busy?: { id: number; pending: Pending; sentAt: number };
}

export class CaseWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly opts: CaseRunOptions;
  private readonly watchdog: Watchdog;
  private nextId = 0;
  private closed = false;

  constructor(size: number, opts: CaseRunOptions) {
    this.opts = opts;
    this.watchdog = new Watchdog(() => this.slots.map((slot) => this.watched(slot)));
    for (let i = 0; i < size; i++) this.slots.push(this.start());
  }

  private start(): Slot {
    const cell = new DeadlineCell();
    const data: CaseWorkerData = { opts: this.opts, deadline: cell.buffer };
    const worker = new Worker(WORKER_URL, { workerData: data, resourceLimits: SANDBOX_THREAD_LIMITS });
    const slot: Slot = { worker, cell, seen: new Set() };
    worker.on('message', (answer: PoolAnswer) => {
      const busy = slot.busy;
      if (!busy || busy.id !== answer.id) return;
      slot.busy = undefined;
      if ('result' in answer) busy.pending.resolve(answer.result);
      else busy.pending.reject(new Error(answer.error));
      this.dispatch();
    });
    // A lost worker fails the case it was running and is replaced for the rest of the run.
    onThreadLost(worker, 'the test worker', (why) => {
      if (this.closed) return;
      this.replace(slot, (pending) => pending.reject(new Error(`test worker stopped: ${why}`)));
    });
    return slot;
  }

  private watched(slot: Slot): Watched {
    return {
      busy: () => slot.busy !== undefined,
      cell: slot.cell,
      cancelledAt: () => undefined,
      stop: (verdict, message) => {
        const sentAt = slot.busy?.sentAt ?? performance.now();
        this.replace(slot, (pending) =>
          pending.resolve(
            stoppedCaseResult(pending.job.file, hostStopped(verdict, message), performance.now() - sentAt),
          ),
        );
      },
    };
  }

  /** Ends a slot's thread, settles its case with `settle`, and puts a fresh thread in its place. */
  private replace(slot: Slot, settle: (pending: Pending) => void): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    const busy = slot.busy;
    slot.busy = undefined;
    if (!this.closed) this.slots[index] = this.start();
    void slot.worker.terminate();
    if (busy) settle(busy.pending);
    this.dispatch();
  }

  run(key: number, pkg: TaskPackage, file: TaskTestFile): Promise<CaseResult> {
    if (this.closed) return Promise.reject(new Error('the test worker pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { key, pkg, file }, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const pending = this.queue.shift();
      if (!pending) return;
      const id = ++this.nextId;
      slot.busy = { id, pending, sentAt: performance.now() };
      const { key, pkg, file } = pending.job;
      const job: PoolJob = { id, key, file };
      if (!slot.seen.has(key)) {
        job.pkg = pkg;
        slot.seen.add(key);
      }
      try {
        slot.worker.postMessage(job);
      } catch (e) {
        slot.busy = undefined;
        slot.seen.delete(key);
        pending.reject(new Error(`the case could not be sent to a test worker: ${String(e)}`));
        continue;
      }
      this.watchdog.arm();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watchdog.disarm();
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

// A fixed set of worker threads running test cases. The sandbox blocks the thread that runs it
// (guest timers and fetch wait synchronously), so overlapping cases need separate threads.
import { Worker } from 'node:worker_threads';
import type { TaskPackage, TaskTestFile } from '../types.ts';
import type { CaseResult, CaseRunOptions } from './run-case.ts';

export interface PoolJob {
  id: number;
  /** Identifies the task; the package itself is sent only the first time a worker sees the key. */
  key: number;
  pkg?: TaskPackage;
  file: TaskTestFile;
}

export type PoolAnswer = { id: number; result: CaseResult } | { id: number; error: string };

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
  seen: Set<number>;
  busy?: { id: number; pending: Pending };
}

export class CaseWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private closed = false;

  constructor(size: number, opts: CaseRunOptions) {
    for (let i = 0; i < size; i++) this.slots.push(this.start(opts));
  }

  private start(opts: CaseRunOptions): Slot {
    const worker = new Worker(WORKER_URL, { workerData: opts });
    const slot: Slot = { worker, seen: new Set() };
    worker.on('message', (answer: PoolAnswer) => {
      const busy = slot.busy;
      if (!busy || busy.id !== answer.id) return;
      slot.busy = undefined;
      if ('result' in answer) busy.pending.resolve(answer.result);
      else busy.pending.reject(new Error(answer.error));
      this.dispatch();
    });
    // A crashed worker fails the case it was running and is replaced for the rest of the run.
    const lost = (why: string): void => {
      const busy = slot.busy;
      slot.busy = undefined;
      const index = this.slots.indexOf(slot);
      if (index >= 0 && !this.closed) this.slots[index] = this.start(opts);
      busy?.pending.reject(new Error(`test worker stopped: ${why}`));
      this.dispatch();
    };
    worker.on('error', (e) => lost(e.message));
    worker.on('exit', (code) => {
      if (!this.closed) lost(`exit code ${code}`);
    });
    return slot;
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
      slot.busy = { id, pending };
      const { key, pkg, file } = pending.job;
      const job: PoolJob = { id, key, file };
      if (!slot.seen.has(key)) {
        job.pkg = pkg;
        slot.seen.add(key);
      }
      slot.worker.postMessage(job);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

// `job pause` as a worker sees it: the shared switch in the store (store/repos/queue-state.ts),
// read at most every `maxAgeMs` however often the claim loop asks, so pausing costs no query per
// claim. A worker notices a pause or resume within that age (a resume also wakes it: the queue
// service notifies after switching).
import type { Db } from '../store/codec.ts';
import { isQueuePaused } from '../store/repos/queue-state.ts';

export const PAUSE_READ_MS = 500;

export class PauseGate {
  /** The last value read. */
  last = false;
  private readAt = -Infinity;
  private reading: Promise<boolean> | undefined;
  private readonly read: () => Promise<boolean>;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(db: Db, opts: { maxAgeMs?: number; now?: () => number } = {}) {
    this.read = () => isQueuePaused(db);
    this.maxAgeMs = opts.maxAgeMs ?? PAUSE_READ_MS;
    this.now = opts.now ?? Date.now;
  }

  /**
   * The last value read, at once (direct dispatch decides synchronously); when it is older than
   * maxAgeMs a read starts behind it, so a stale answer is given at most until that read ends.
   */
  peek(): boolean {
    if (this.now() - this.readAt >= this.maxAgeMs) void Promise.resolve(this.paused()).catch(() => undefined);
    return this.last;
  }

  /** Whether claiming is paused; from the store when the last read is older than maxAgeMs. */
  paused(): boolean | Promise<boolean> {
    if (this.now() - this.readAt < this.maxAgeMs) return this.last;
    this.reading ??= this.read().then(
      (p) => {
        this.last = p;
        this.readAt = this.now();
        this.reading = undefined;
        return p;
      },
      (err: unknown) => {
        this.reading = undefined;
        throw err;
      },
    );
    return this.reading;
  }
}

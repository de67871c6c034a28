// The slots of an on-demand executor pool (server.workers.idle_thread_seconds) that hold no thread:
// not started yet, or retired after idling. The pool starts a thread in one when work needs it, and
// a timer ends threads that had nothing to do for idleMs, which makes their slots dormant again.
import type { Slot } from './slot.ts';

export class DormantSlots {
  /** 0: every slot starts with a thread and none is ever retired. */
  readonly idleMs: number;
  private readonly dormant: boolean[];
  private timer?: NodeJS.Timeout;

  constructor(size: number, idleMs: number) {
    this.idleMs = idleMs;
    this.dormant = Array.from({ length: size }, () => idleMs > 0);
  }

  count(): number {
    return this.dormant.filter(Boolean).length;
  }

  any(): boolean {
    return this.dormant.includes(true);
  }

  /** A dormant slot's index, no longer dormant (the caller starts its thread); -1 when none. */
  take(): number {
    const index = this.dormant.indexOf(true);
    if (index >= 0) this.dormant[index] = false;
    return index;
  }

  /**
   * Every quarter of idleMs (10 ms to 5 s), ends the threads of `live()` that ran nothing for idleMs:
   * `retire` detaches the slot from the pool, and the slot becomes dormant.
   */
  retireIdleThreads(live: () => Slot[], retire: (slot: Slot) => void): void {
    if (this.idleMs <= 0) return;
    this.timer = setInterval(
      () => {
        const now = Date.now();
        for (const slot of live()) {
          if (slot.runs.size > 0 || now - slot.lastUsed < this.idleMs) continue;
          slot.exiting = true;
          retire(slot);
          this.dormant[slot.index] = true;
          void slot.worker.terminate();
        }
      },
      Math.max(10, Math.min(5000, this.idleMs / 4)),
    );
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

// Snapshots of a prepared context taken right after a task's main.js was evaluated, so later runs
// of the same code in the same instance start there instead of evaluating it again. Evaluating
// main.js is a parse, a compile and the top-level code: ~35 µs of a ~60 µs no-op run once the
// code is hot, and far more while the WebAssembly parser still runs unoptimised code (a fresh
// worker's first few hundred jobs). It is only done when the evaluation was deterministic: it
// called no host function (console, timers, Math.random, crypto, fetch, …) and read no clock. Then
// a second evaluation from the same pristine memory would write the same bytes, so starting from
// the copy is byte-for-byte what evaluating again gives: each run still begins in a state no run
// touched (top-level code that logs, or keeps Date.now(), is evaluated in every run as before).
import type { MemorySnapshot } from './memory-snapshot.ts';

/** Snapshots kept per instance, and their total size: a few tasks' worth, never the instance's memory. */
export const MAX_ENTRIES = 8;
export const MAX_TOTAL_BYTES = 16 * 1024 * 1024;
/** A task whose evaluated state is larger is evaluated in every run (the copy would cost as much). */
export const MAX_ENTRY_BYTES = 4 * 1024 * 1024;

export interface EntrySnapshot {
  snapshot: MemorySnapshot;
  /** The file name main.js was evaluated under (its functions carry it in their stack frames). */
  fileName: string;
  /** Where the task function's JSValue lives in the snapshot's memory (the handle resolveEntry returned). */
  entryPointer: number;
}

/** Least recently used first out, by main.js text. */
export class EntrySnapshots {
  private readonly byCode = new Map<string, EntrySnapshot>();
  private bytes = 0;

  get size(): number {
    return this.byCode.size;
  }

  get(code: string, fileName: string): EntrySnapshot | undefined {
    const hit = this.byCode.get(code);
    if (hit?.fileName !== fileName) return undefined;
    this.byCode.delete(code);
    this.byCode.set(code, hit);
    return hit;
  }

  add(code: string, entry: EntrySnapshot): void {
    if (entry.snapshot.size > MAX_ENTRY_BYTES) return;
    this.drop(code);
    this.byCode.set(code, entry);
    this.bytes += entry.snapshot.size;
    for (const [oldest] of this.byCode) {
      if (this.byCode.size <= MAX_ENTRIES && this.bytes <= MAX_TOTAL_BYTES) break;
      this.drop(oldest);
    }
  }

  private drop(code: string): void {
    const had = this.byCode.get(code);
    if (!had) return;
    this.byCode.delete(code);
    this.bytes -= had.snapshot.size;
  }
}

/**
 * Runs `evaluate` and says whether it read the wall clock. QuickJS's Date reaches the host's
 * `Date.now` (the WebAssembly module's clock import calls it at the time of the call), so it is
 * watched for the length of the synchronous call; calls made while `hostBusy()` is true are the
 * host's own (the interrupt handler checks the deadline) and do not count.
 */
export function watchingClock<T>(
  evaluate: () => T,
  hostBusy: () => boolean,
): { value: T; clockRead: boolean } {
  const realNow = Date.now;
  let clockRead = false;
  Date.now = () => {
    if (!hostBusy()) clockRead = true;
    return realNow();
  };
  try {
    return { value: evaluate(), clockRead };
  } finally {
    Date.now = realNow;
  }
}

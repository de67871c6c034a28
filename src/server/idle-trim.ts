// Gives the main thread's young generation back when the server is idle. Start-up (and any burst
// of requests) grows V8's new space to its maximum (64 MiB of committed, touched memory on a
// 64-bit Node 24), and V8 keeps it until its memory reducer decides the isolate is idle, which
// with the server's periodic timers took 10–30 s or longer. A full collection while allocation
// is low shrinks the new space at once; we run one when the event loop has been nearly idle for a
// whole interval and the new space is large. Node offers no API to trigger a collection, so `gc`
// is taken once from a fresh vm context with --expose-gc set just for that (nothing else sees it).
// The V8 flag --max-semi-space-size would cap the new space instead, but V8 reads it only when
// the isolate is created, so it cannot be set from inside the process.
import { performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface IdleTrimOptions {
  /** How often idleness is checked; default 5 s. */
  intervalMs?: number;
  /** Event-loop utilisation below which an interval counts as idle; default 0.02. */
  idleUtilisation?: number;
  /** Collect only when the new space holds more than this; default 8 MiB. */
  minNewSpaceBytes?: number;
}

type Gc = (options?: {
  type?: 'major' | 'minor';
  execution?: 'sync' | 'async';
  flavor?: 'regular' | 'last-resort';
}) => void;
let gc: Gc | undefined;

function collector(): Gc {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as Gc;
    setFlagsFromString('--no-expose-gc');
  }
  return gc;
}

/** Committed bytes of the main thread's new space. */
export function newSpaceBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.physical_space_size ?? 0;
}

/** Starts the idle check; returns a function that stops it. Trims counts the collections run. */
export function startIdleHeapTrim(opts: IdleTrimOptions = {}): { stop(): void; trims(): number } {
  const intervalMs = opts.intervalMs ?? 5000;
  const idle = opts.idleUtilisation ?? 0.02;
  const minBytes = opts.minNewSpaceBytes ?? 8 * 1024 * 1024;
  let last = performance.eventLoopUtilization();
  let count = 0;
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    if (busy >= idle || newSpaceBytes() <= minBytes) return;
    collector()({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    count++;
    // The collection itself made this interval look busy; measure the next one afresh.
    last = performance.eventLoopUtilization();
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer), trims: () => count };
}

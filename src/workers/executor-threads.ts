// One executor thread as the pool holds it: the Worker, started with its shared control block,
// deadline cell and the process's compiled sandbox module, wrapped in a Slot; what the thread says
// routed to the run it concerns (progress, log lines, the result) or to the pool (up, result,
// lost); and the thread as the watchdog sees it. The pool (pool.ts) decides what to do with each.
import { Worker } from 'node:worker_threads';
import type { HttpClientOptions } from '../http/client.ts';
import type { RuntimeLimits } from '../runtime/run-task.ts';
import type { HostStop } from '../runtime/types.ts';
import { DeadlineCell, onThreadLost, SANDBOX_THREAD_LIMITS, type Watched } from '../runtime/watchdog.ts';
import { compiledWasmForThreads } from '../runtime/module-pool.ts';
import type { ExecutorThreadData, FromThread, ThreadResult } from './messages.ts';
import { Slot } from './slot.ts';

const THREAD_URL = new URL(
  `./executor-thread-entry${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);

/** What a thread's owner hears from it. Nothing thrown here reaches the thread's event handlers. */
export interface ThreadEvents {
  /** The thread loaded its modules and takes runs. */
  up(slot: Slot): void;
  /** A run's result arrived (the run may have been released meanwhile). */
  result(slot: Slot, seq: number, result: ThreadResult): void;
  /** The thread died (`crashed`) or exited on its own. */
  lost(slot: Slot, why: string, crashed: boolean): void;
  log?: (message: string) => void;
}

export interface ThreadSetup {
  index: number;
  /** Runs sent ahead to the thread (its ring's size). */
  depth: number;
  http: HttpClientOptions;
  limits: RuntimeLimits;
}

export function startExecutorThread(setup: ThreadSetup, events: ThreadEvents): Slot {
  const control = Slot.controlBuffer(setup.depth);
  const cell = new DeadlineCell();
  const data: ExecutorThreadData = {
    http: setup.http,
    limits: setup.limits,
    control,
    deadline: cell.buffer,
    wasm: compiledWasmForThreads(),
  };
  const worker = new Worker(THREAD_URL, { workerData: data, resourceLimits: SANDBOX_THREAD_LIMITS });
  const slot = new Slot(setup.index, worker, new Int32Array(control), cell, setup.depth);
  const guarded = (handle: () => void): void => {
    try {
      handle();
    } catch (err) {
      events.log?.(`executor pool: handling a message of thread ${slot.index} failed: ${String(err)}`);
    }
  };
  worker.on('message', (m: FromThread) => {
    // Each result of a group on its own, as if it had come alone: one that fails to be handled
    // leaves the others' runs to settle.
    if (m.type !== 'results') return guarded(() => route(slot, m, events));
    for (const { seq, result, progress, logs } of m.results) {
      // What the run reported without a message of its own comes first, as it would have alone.
      if (progress) guarded(() => route(slot, { type: 'progress', seq, event: progress }, events));
      if (logs) guarded(() => route(slot, { type: 'logs', seq, ...logs }, events));
      guarded(() => events.result(slot, seq, result));
    }
  });
  onThreadLost(worker, `executor thread ${setup.index}`, (why, crashed) => events.lost(slot, why, crashed));
  return slot;
}

function route(slot: Slot, m: Exclude<FromThread, { type: 'results' }>, events: ThreadEvents): void {
  switch (m.type) {
    case 'ready':
      return events.up(slot);
    case 'pong':
      if (slot.ping?.id === m.id) slot.ping = undefined;
      return;
    case 'progress':
      return slot.runs.get(m.seq)?.onProgress?.(m.event);
    case 'logs':
      return slot.runs.get(m.seq)?.onLogs?.(m.entries, m.dropped);
  }
}

/** A thread as the watchdog sees it; `stop` replaces the thread, failing its run with the verdict. */
export function watchedThread(slot: Slot, replace: (type: string, why: string) => void): Watched {
  return {
    busy: () => slot.runs.size > 0,
    cell: slot.cell,
    cancelledAt: () => slot.running()?.cancelledAt,
    stop: (verdict: HostStop, message: string) =>
      replace(verdict === 'cancelled' ? 'CancelledError' : 'TimeoutError', message),
  };
}

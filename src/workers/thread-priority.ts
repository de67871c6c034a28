// Executor threads yield the CPU to the main thread. The main thread claims jobs, hands them to
// the threads, writes their results and serves the API and heartbeats; with as many busy threads
// as the pool has and equal priorities, it gets one share in threads + 1, and with more threads
// than cores it became the bottleneck: on 2 cores with 8 threads spinning, the tasks list at one
// connection answered 88 req/s at equal priority and ~300 with the threads at nice 5
// (bench/api-under-load.ts).
// Linux schedules threads as tasks, and a task may lower its own priority: setpriority on the
// thread's kernel id (read from /proc/thread-self) affects that thread only, and threads it starts
// later (its fetch helper) inherit it. The process-wide pools (libuv's, V8's) are started by the
// main thread before any executor thread exists and keep its priority (seen in /proc on a running
// `ratchet serve`). Elsewhere, or when the kernel refuses, the thread keeps the process's priority.
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** How much lower than the process an executor thread runs (nice steps, 0–19). */
export const EXECUTOR_NICE_STEPS = 5;

/** The calling thread's kernel task id on Linux, else undefined. */
export function kernelThreadId(): number | undefined {
  try {
    const id = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(id) && id > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}

/** Lowers the calling thread's priority by EXECUTOR_NICE_STEPS (best effort). */
export function lowerThreadPriority(): void {
  const tid = kernelThreadId();
  if (tid === undefined) return;
  try {
    setPriority(tid, Math.min(19, getPriority(tid) + EXECUTOR_NICE_STEPS));
  } catch {
    // Refused: the thread keeps the process's priority.
  }
}

// Where the benchmark process's CPU goes, thread by thread, from Linux's per-thread scheduler
// statistics (/proc/self/task/<tid>/schedstat: time on a core and time runnable but waiting for
// one). The event loop's busy time (mainThreadMsPerJob) counts both: on PostgreSQL the main
// thread was on a core ~0.045 ms a job and waited as long again while the database's backends
// held the two cores. Threads are grouped by the name the runtime gives them: the main thread,
// worker threads (Ratchet's executor threads and its WAL checkpoint thread), V8's background
// threads (concurrent compilation and garbage collection) and the rest (libuv's pool, …).
import { readdirSync, readFileSync } from 'node:fs';
import { round } from '../lib.ts';

export interface ThreadGroups {
  main: number;
  /** Main thread runnable, not running: a core was busy with something else. */
  mainWaiting: number;
  workerThreads: number;
  v8Background: number;
  other: number;
}

type Sample = Map<string, { group: keyof ThreadGroups; onCpuMs: number; waitingMs: number }>;

function groupOf(tid: string, name: string): Exclude<keyof ThreadGroups, 'mainWaiting'> {
  if (tid === String(process.pid)) return 'main';
  if (name === 'WorkerThread') return 'workerThreads';
  if (name === 'V8Worker' || name === 'DelayedTaskSche') return 'v8Background';
  return 'other';
}

/** Every thread's time so far; undefined where /proc has no per-thread statistics (not Linux). */
export function sampleThreads(): Sample | undefined {
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return undefined;
  }
  const sample: Sample = new Map();
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const [onCpuNs, waitingNs] = readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ');
      sample.set(tid, {
        group: groupOf(tid, name),
        onCpuMs: Number(onCpuNs) / 1e6,
        waitingMs: Number(waitingNs) / 1e6,
      });
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return sample;
}

/**
 * Milliseconds per job each group spent on a core between two samples. A thread that ended in
 * between is missing from the second and not counted (short-lived threads only).
 */
export function threadCpuPerJob(before: Sample, after: Sample, jobs: number): ThreadGroups {
  const ms: ThreadGroups = { main: 0, mainWaiting: 0, workerThreads: 0, v8Background: 0, other: 0 };
  for (const [tid, now] of after) {
    const was = before.get(tid);
    ms[now.group] += now.onCpuMs - (was?.onCpuMs ?? 0);
    if (now.group === 'main') ms.mainWaiting += now.waitingMs - (was?.waitingMs ?? 0);
  }
  for (const key of Object.keys(ms) as (keyof ThreadGroups)[]) ms[key] = round(ms[key] / jobs);
  return ms;
}

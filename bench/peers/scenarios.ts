// The scenarios every contestant goes through, the same as bench/queue.ts and bench/bulk-enqueue.ts
// measure for Ratchet alone. A contestant is a thin adapter over one queue library; it reports
// "started" and "finished" per job id to the Tracker, and the scenarios time those.
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { percentile, round } from '../lib.ts';
import { sampleThreads, threadCpuPerJob } from './thread-cpu.ts';

export const BACKLOG = 5000;
/**
 * The throughput run's warm rate counts from this many jobs finished: by then every contestant's
 * threads, connections, prepared statements and hot code are up, as in a worker that has run a while.
 */
export const WARM_AFTER = 1000;
export const LATENCY_JOBS = 200;
export const LATENCY_WARMUP = 10;
export const CHAIN = 40;
export const BULK_JOBS = 5000;
export const BULK_RUNS = 5;
/** A throughput run that has not drained its backlog by then reports what it did so far. */
export const THROUGHPUT_CAP_SECONDS = 60;
/** A single job of the latency or chain scenario that takes longer fails the scenario. */
const JOB_TIMEOUT_MS = 15_000;

/** noop returns its input; fib computes fib(input.n) (the chain's "lightweight task", as in bench/queue.ts). */
export type JobKind = 'noop' | 'fib';

export interface Hooks {
  /** The job's handler begins (Ratchet: the run is handed to an executor thread). */
  started(id: string): void;
  /** The library reports the job done (see each adapter for what that means there). */
  finished(id: string, failed?: boolean): void;
}

export interface Contestant {
  /** Options and versions used, reported in the JSON. */
  settings: Record<string, unknown>;
  /** Set when the throughput scenario would not measure the queue; says why. */
  throughputSkipped?: string;
  /** Queues n no-op jobs without running them (the throughput backlog; not timed). */
  backlog(n: number): Promise<void>;
  /** Starts the workers at this concurrency. */
  startWorkers(concurrency: number): Promise<void>;
  /** Queues one job; resolves with its id when the enqueue call returns. */
  enqueue(kind: JobKind, input: Record<string, unknown>): Promise<string>;
  /** Queues these jobs in one call (to a task/queue no worker runs); resolves with how many were queued. */
  enqueueBulk(items: readonly BulkItem[]): Promise<number>;
  /** Stops the workers and releases every connection (the store itself is dropped by the caller). */
  close(): Promise<void>;
}

export interface BulkItem {
  n: number;
  name: string;
}

export type OpenContestant = (url: string, redisPrefix: string, hooks: Hooks) => Promise<Contestant>;

export class Tracker implements Hooks {
  count = 0;
  failed = 0;
  /** When the WARM_AFTER-th job finished (performance.now()), once it has. */
  warmAt?: number;
  private tracking = false;
  private readonly startedAt = new Map<string, number>();
  private readonly done = new Set<string>();
  private readonly waiters = new Map<string, () => void>();
  private target?: { count: number; resolve: () => void };

  started(id: string): void {
    if (this.tracking) this.startedAt.set(id, performance.now());
  }

  finished(id: string, failed = false): void {
    this.count++;
    if (this.count === WARM_AFTER) this.warmAt = performance.now();
    if (failed) this.failed++;
    if (this.target !== undefined && this.count >= this.target.count) this.target.resolve();
    if (!this.tracking) return;
    // A job may finish before its enqueue call returns (the worker is in this process): remember it.
    const waiter = this.waiters.get(id);
    if (waiter === undefined) this.done.add(id);
    else {
      this.waiters.delete(id);
      waiter();
    }
  }

  /** From now on record per-job start times and completions (latency and chain scenarios). */
  track(): void {
    this.tracking = true;
  }

  untilCount(count: number): Promise<void> {
    return new Promise((resolve) => {
      this.target = { count, resolve };
      if (this.count >= count) resolve();
    });
  }

  async whenFinished(id: string): Promise<void> {
    if (this.done.delete(id)) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        this.waiters.set(id, resolve);
        timer = setTimeout(
          () => reject(new Error(`job ${id} did not finish within ${JOB_TIMEOUT_MS} ms`)),
          JOB_TIMEOUT_MS,
        );
      });
    } finally {
      clearTimeout(timer);
      this.waiters.delete(id);
    }
  }

  startTime(id: string): number {
    const t = this.startedAt.get(id);
    if (t === undefined) throw new Error(`job ${id} finished without being reported as started`);
    return t;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Throughput from a backlog: the clock runs from starting the workers to the last job finished. */
export async function throughput(c: Contestant, tracker: Tracker, concurrency: number) {
  await c.backlog(BACKLOG);
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const machine0 = machineCpuMs();
  const elu = performance.eventLoopUtilization();
  const threads0 = sampleThreads();
  await c.startWorkers(concurrency);
  await Promise.race([tracker.untilCount(BACKLOG), sleep(THROUGHPUT_CAP_SECONDS * 1000)]);
  const end = performance.now();
  const seconds = (end - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const machine1 = machineCpuMs();
  const threads1 = sampleThreads();
  const processMs = (cpu.user + cpu.system) / 1000;
  const machineBusyMs = machine1.busy - machine0.busy;
  const jobs = tracker.count;
  if (jobs === 0) throw new Error(`no job finished within ${THROUGHPUT_CAP_SECONDS} s`);
  return {
    concurrency,
    jobs,
    ...(jobs < BACKLOG ? { cappedAfterSeconds: THROUGHPUT_CAP_SECONDS } : {}),
    failed: tracker.failed,
    seconds: round(seconds),
    jobsPerSecond: Math.round(jobs / seconds),
    // The same run from the WARM_AFTER-th job on: what a worker that has been up a while does,
    // without the start (threads, connections, first compilations) that jobsPerSecond includes.
    ...(tracker.warmAt !== undefined && jobs > WARM_AFTER
      ? { warmJobsPerSecond: Math.round((jobs - WARM_AFTER) / ((end - tracker.warmAt) / 1000)) }
      : {}),
    // Every thread of this process; the database or Redis server's CPU is not included.
    processCpuMsPerJob: round(processMs / jobs),
    mainThreadMsPerJob: round(performance.eventLoopUtilization(elu).active / jobs),
    // The same CPU thread by thread (Linux only), with the main thread's wait for a core.
    ...(threads0 && threads1 ? { threadCpuMsPerJob: threadCpuPerJob(threads0, threads1, jobs) } : {}),
    // The rest of the machine's busy time meanwhile: the database or Redis server (and whatever
    // else runs), so a run bound by the server's CPU shows as such. Idle share: of all cores.
    outsideCpuMsPerJob: round(Math.max(0, machineBusyMs - processMs) / jobs),
    machineIdleShare: round(
      (machine1.idle - machine0.idle) / (machineBusyMs + machine1.idle - machine0.idle),
    ),
  };
}

/** Busy and idle milliseconds summed over the machine's cores since boot. */
function machineCpuMs(): { busy: number; idle: number } {
  let busy = 0;
  let idle = 0;
  for (const { times } of cpus()) {
    busy += times.user + times.nice + times.sys + times.irq;
    idle += times.idle;
  }
  return { busy, idle };
}

/** Enqueue→start on an idle queue (one job at a time), then the 40-job chain, on running workers. */
export async function latencyAndChain(c: Contestant, tracker: Tracker) {
  await c.startWorkers(1);
  tracker.track();
  const runOne = async (kind: JobKind, input: Record<string, unknown>): Promise<string> => {
    const id = await c.enqueue(kind, input);
    await tracker.whenFinished(id);
    return id;
  };
  // Warm-up: threads, prepared statements and connections come up on first use everywhere.
  for (let i = 0; i < LATENCY_WARMUP; i++) await runOne('noop', { warm: i });
  const latencies: number[] = [];
  for (let i = 0; i < LATENCY_JOBS; i++) {
    const before = performance.now();
    const id = await runOne('noop', { i });
    latencies.push(tracker.startTime(id) - before);
  }
  const chainStart = performance.now();
  for (let i = 0; i < CHAIN; i++) await runOne('fib', { n: 10 });
  const chainSeconds = (performance.now() - chainStart) / 1000;
  return {
    enqueueToStartMs: {
      jobs: LATENCY_JOBS,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: percentile(latencies, 100),
    },
    chain40: { jobs: CHAIN, seconds: round(chainSeconds), perJobMs: round((chainSeconds * 1000) / CHAIN) },
  };
}

/** 5,000 jobs queued in one call, BULK_RUNS times after a 100-job warm-up; no workers running. */
export async function bulkEnqueue(c: Contestant) {
  const items = Array.from({ length: BULK_JOBS }, (_, n) => ({ n, name: `item ${n}` }));
  await c.enqueueBulk(items.slice(0, 100));
  const runs: number[] = [];
  for (let i = 0; i < BULK_RUNS; i++) {
    const start = performance.now();
    const queued = await c.enqueueBulk(items);
    runs.push(performance.now() - start);
    if (queued !== BULK_JOBS) throw new Error(`queued ${queued} of ${BULK_JOBS}`);
  }
  return { jobs: BULK_JOBS, p50Ms: percentile(runs, 50), runsMs: runs.map((v) => round(v, 1)) };
}

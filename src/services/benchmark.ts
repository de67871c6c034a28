// Benchmarking a task: the same run made `runs` times (or until a deadline), up to `concurrency`
// at once, with latency percentiles of the sandbox time (the run's own duration) and of the full
// round trip (thread wait included). How one run is made is the caller's: the MCP face makes each
// a real, recorded execution under its call's cancel; `ratchet benchmark` runs a task folder in
// worker threads (folder-benchmark.ts).
import { percentiles, type Percentiles } from './task-metrics.ts';

/** What the benchmark needs of one run (an ExecutionRecord is one). */
export interface RunSample {
  /** The execution's id, when the run was recorded. */
  id?: number;
  status: string;
  durationMs: number | null;
  error?: { type: string; message: string } | null;
}

export interface BenchmarkOptions {
  runs: number;
  /** Epoch ms after which no further run starts (with `runs` as the upper bound). */
  untilMs?: number;
  concurrency: number;
  run: () => Promise<RunSample>;
  /** After each run, with how many are done. */
  onRun?: (done: number) => Promise<void> | void;
  /** Once aborted, no further run starts. */
  signal?: AbortSignal;
}

export interface BenchmarkReport {
  runs: number;
  completed: number;
  failed: number;
  executionMs: Percentiles;
  roundTripMs: Percentiles;
  runsPerSecond: number;
  firstError: { executionId?: number; type: string; message: string } | null;
}

export async function benchmarkRuns(o: BenchmarkOptions): Promise<BenchmarkReport> {
  const exec: number[] = [];
  const wall: number[] = [];
  let completed = 0;
  let failed = 0;
  let firstError: BenchmarkReport['firstError'] = null;
  let next = 0;
  let done = 0;
  const started = performance.now();
  const lane = async (): Promise<void> => {
    while (next < o.runs && !o.signal?.aborted && (o.untilMs === undefined || Date.now() < o.untilMs)) {
      next++;
      const t0 = performance.now();
      const e = await o.run();
      wall.push(Math.round((performance.now() - t0) * 100) / 100);
      if (e.durationMs !== null) exec.push(e.durationMs);
      if (e.status === 'COMPLETED') completed++;
      else {
        failed++;
        firstError ??= {
          ...(e.id !== undefined ? { executionId: e.id } : {}),
          type: e.error?.type ?? e.status,
          message: e.error?.message ?? e.status,
        };
      }
      done++;
      await o.onRun?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, o.runs) }, lane));
  const seconds = (performance.now() - started) / 1000;
  return {
    runs: done,
    completed,
    failed,
    executionMs: percentiles(exec),
    roundTripMs: percentiles(wall),
    runsPerSecond: seconds > 0 ? Math.round((done / seconds) * 100) / 100 : 0,
    firstError,
  };
}

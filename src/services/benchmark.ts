// Benchmarking a task: the same run made `runs` times, up to `concurrency` at once, with latency
// percentiles of the sandbox time (the execution's recorded duration) and of the full round trip
// (thread wait included). Every run is a real, recorded execution. How one run is made is the
// caller's (the MCP face runs each synchronously under its call's cancel).
import type { ExecutionRecord } from '../store/repos/executions.ts';
import { percentiles, type Percentiles } from './task-metrics.ts';

export interface BenchmarkOptions {
  runs: number;
  concurrency: number;
  run: () => Promise<ExecutionRecord>;
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
  firstError: { executionId: number; type: string; message: string } | null;
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
    while (next < o.runs && !o.signal?.aborted) {
      next++;
      const t0 = performance.now();
      const e = await o.run();
      wall.push(Math.round((performance.now() - t0) * 100) / 100);
      if (e.durationMs !== null) exec.push(e.durationMs);
      if (e.status === 'COMPLETED') completed++;
      else {
        failed++;
        firstError ??= {
          executionId: e.id,
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

// `ratchet benchmark TASK`: a task folder run again and again with one input, `concurrency` runs at
// once in worker threads (the test runner's pool, so each run has its thread's watchdog), for a
// duration or a number of runs. Latency percentiles and throughput come from benchmarkRuns; memory
// is the guest heap at its largest in each run (sampled as a profile samples it) and this
// process's resident memory, sampled while the benchmark runs.
import type { HttpClientOptions } from '../http/client.ts';
import type { RuntimeLimits } from '../runtime/run-task.ts';
import type { TaskPackage } from '../tasks/types.ts';
import { CaseWorkerPool } from '../testing/pool.ts';
import { benchmarkRuns, type BenchmarkReport } from './benchmark.ts';
import { percentiles, type Percentiles } from './task-metrics.ts';

/** percentiles() names its fields in ms; these are bytes. */
const bytesOf = (p: Percentiles) => ({ p50: p.p50Ms, p99: p.p99Ms, max: p.maxMs });

export interface FolderBenchmarkOptions {
  input: unknown;
  concurrency: number;
  /** Stop starting runs after this long. */
  durationMs?: number;
  /** At most this many runs. */
  runs?: number;
  http: HttpClientOptions;
  limits?: RuntimeLimits;
  /** After each run, with how many are done. */
  onRun?: (done: number) => void;
}

export interface FolderBenchmarkReport extends BenchmarkReport {
  task: { name: string; version: string };
  concurrency: number;
  /** Peak guest heap per run, in bytes, over the runs. */
  peakHeapBytes: { p50: number | null; p99: number | null; max: number | null };
  /** This process's resident set size: at the start and the largest seen (threads included). */
  rssBytes: { start: number; peak: number };
}

const RSS_SAMPLE_MS = 100;

export async function benchmarkFolder(
  pkg: TaskPackage,
  o: FolderBenchmarkOptions,
): Promise<FolderBenchmarkReport> {
  const file = { name: 'benchmark.json', text: JSON.stringify({ input: o.input, allow_network: true }) };
  const pool = new CaseWorkerPool(o.concurrency, { http: o.http, limits: o.limits, measureHeap: true });
  const heaps: number[] = [];
  const rss = { start: process.memoryUsage.rss(), peak: 0 };
  rss.peak = rss.start;
  const sampler = setInterval(
    () => (rss.peak = Math.max(rss.peak, process.memoryUsage.rss())),
    RSS_SAMPLE_MS,
  );
  try {
    const report = await benchmarkRuns({
      runs: o.runs ?? Number.MAX_SAFE_INTEGER,
      ...(o.durationMs !== undefined ? { untilMs: Date.now() + o.durationMs } : {}),
      concurrency: o.concurrency,
      run: async () => {
        const c = await pool.run(0, pkg, file);
        if (c.peakHeapBytes !== undefined) heaps.push(c.peakHeapBytes);
        return {
          status: c.failure === undefined && c.status !== 'error' ? 'COMPLETED' : 'FAILED',
          durationMs: c.durationMs,
          error: c.failure ?? (c.status === 'error' ? { type: 'Error', message: c.message ?? '' } : null),
        };
      },
      onRun: o.onRun,
    });
    rss.peak = Math.max(rss.peak, process.memoryUsage.rss());
    return {
      ...report,
      task: { name: pkg.metadata.name, version: pkg.metadata.version },
      concurrency: o.concurrency,
      peakHeapBytes: bytesOf(percentiles(heaps)),
      rssBytes: rss,
    };
  } finally {
    clearInterval(sampler);
    await pool.close();
  }
}

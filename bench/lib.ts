// Shared helpers for the benchmarks: percentiles and the one-line JSON report each bench prints.
import { cpus } from 'node:os';

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return round(sorted[index] ?? NaN);
}

export function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Runs `fn` `n` times after `warmup` runs and returns the per-run milliseconds. */
export async function sample(n: number, warmup: number, fn: () => unknown): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times;
}

/**
 * Milliseconds this process takes for a fixed CPU-bound loop (10^8 integer steps on one core). The
 * virtual machine's speed drifts by up to three times over hours, for every program alike: a figure
 * is only comparable with figures taken beside the same reference time.
 */
export function referenceLoopMs(): number {
  const start = performance.now();
  let x = 0;
  for (let i = 0; i < 1e8; i++) x = (x + i) % 1000003;
  const ms = performance.now() - start;
  // The result is used, so the loop cannot be optimised away.
  return x < 0 ? -1 : Math.round(ms);
}

/** Prints the one JSON object, with the machine and its speed at the end of the run (referenceLoopMs). */
export function report(bench: string, figures: Record<string, unknown>): void {
  const machine = {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    referenceLoopMs: referenceLoopMs(),
  };
  console.log(JSON.stringify({ bench, ...machine, ...figures }));
}

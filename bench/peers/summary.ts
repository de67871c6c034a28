// Medians per contestant and scenario over the runs, and Ratchet's figure divided by each peer's.
import { round } from '../lib.ts';

/** The figure each scenario is compared on (median over runs), by its path in a run's result. */
export const METRICS = [
  'throughput.c1.jobsPerSecond',
  'throughput.c8.jobsPerSecond',
  'throughput.c1.warmJobsPerSecond',
  'throughput.c8.warmJobsPerSecond',
  'enqueueToStartMs.p50',
  'enqueueToStartMs.p99',
  'chain40.seconds',
  'bulkEnqueue5000.p50Ms',
] as const;

type Metric = (typeof METRICS)[number];
export type RunResult = Record<string, unknown>;

function at(value: unknown, path: string): number | undefined {
  let v = value;
  for (const key of path.split('.'))
    v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1]! + s[mid]!) / 2;
}

/** Per metric, the median of the runs that produced it (and how many did). */
export function medians(
  runs: readonly RunResult[],
): Partial<Record<Metric, { median: number; runs: number }>> {
  const out: Partial<Record<Metric, { median: number; runs: number }>> = {};
  for (const m of METRICS) {
    const values = runs.map((r) => at(r, m)).filter((v): v is number => v !== undefined);
    const mid = median(values);
    if (mid !== undefined) out[m] = { median: round(mid), runs: values.length };
  }
  return out;
}

/**
 * Ratchet's median over the peer's, per metric both have. Throughput: above 1 means Ratchet runs
 * more jobs per second. Latency, chain and bulk times: below 1 means Ratchet takes less time.
 */
export function ratios(
  all: Record<string, ReturnType<typeof medians>>,
  ratchetNames: readonly string[],
): Record<string, Record<string, Partial<Record<Metric, number>>>> {
  const out: Record<string, Record<string, Partial<Record<Metric, number>>>> = {};
  for (const r of ratchetNames.filter((n) => n in all)) {
    out[r] = {};
    for (const [peer, figures] of Object.entries(all)) {
      if (ratchetNames.includes(peer)) continue;
      const row: Partial<Record<Metric, number>> = {};
      for (const m of METRICS) {
        const ours = all[r]![m]?.median;
        const theirs = figures[m]?.median;
        if (ours !== undefined && theirs !== undefined && theirs !== 0) row[m] = round(ours / theirs);
      }
      out[r][peer] = row;
    }
  }
  return out;
}

/** Every `error` anywhere in a run's result, with where it was. */
export function errorsIn(value: unknown, path: string[] = []): { scenario: string; error: string }[] {
  if (typeof value !== 'object' || value === null) return [];
  const o = value as Record<string, unknown>;
  if (typeof o.error === 'string') return [{ scenario: path.join('.') || 'run', error: o.error }];
  return Object.entries(o).flatMap(([k, v]) => errorsIn(v, [...path, k]));
}

// `ratchet fuzz` and ratchet_fuzz_test_task: schema-valid inputs run for a while in parallel
// lanes (one thread each, seeds seed, seed+1, …), every distinct failure reported once with the
// smallest input any lane shrank it to. HTTP is answered from the task's test mocks; a request
// no mock matches fails with NetworkError (the fuzzer never reaches the network).
import { Worker } from 'node:worker_threads';
import type { RuntimeLimits } from '../runtime/run-task.ts';
import type { TaskPackage } from '../tasks/types.ts';
import {
  fuzzLane,
  mocksOfTests,
  type FuzzFailure,
  type FuzzLaneOptions,
  type FuzzLaneResult,
} from './fuzz-lane.ts';
import { arbitraryFromSchema } from './schema-arbitrary.ts';

export const DEFAULT_FUZZ_DURATION_MS = 30_000;
export const DEFAULT_FUZZ_RUN_TIMEOUT_MS = 2_000;

export interface FuzzOptions {
  durationMs: number;
  seed: number;
  /** Lanes (threads); 1 runs in this thread. */
  parallel: number;
  /** Per-run timeout; default the smaller of the task's timeout and 2 s. */
  timeoutMs?: number;
  limits?: RuntimeLimits;
  /** Stop a lane after this many distinct failures. */
  maxFailures?: number;
}

export interface FuzzReport {
  task: string;
  seed: number;
  lanes: number;
  durationMs: number;
  runs: number;
  runsPerSecond: number;
  discarded: number;
  /** Schema constraints the generator does not honour itself (Ajv filtered their violations). */
  skippedConstraints: string[];
  http: string;
  failures: FuzzFailure[];
}

const WORKER_URL = new URL(
  `./fuzz-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);

export async function fuzzTask(pkg: TaskPackage, opts: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const { skipped } = arbitraryFromSchema(pkg.inputSchema);
  const lanes = Math.max(1, opts.parallel);
  const laneOpts = (i: number): FuzzLaneOptions => ({
    seed: (opts.seed + i) | 0,
    untilMs: Date.now() + opts.durationMs,
    timeoutMs:
      opts.timeoutMs ??
      Math.min(pkg.metadata.timeoutMs ?? DEFAULT_FUZZ_RUN_TIMEOUT_MS, DEFAULT_FUZZ_RUN_TIMEOUT_MS),
    limits: opts.limits,
    maxFailures: opts.maxFailures ?? 20,
  });
  const results =
    lanes === 1
      ? [await fuzzLane(pkg, laneOpts(0))]
      : await Promise.all(Array.from({ length: lanes }, (_, i) => inThread(pkg, laneOpts(i))));
  const byKey = new Map<string, FuzzFailure>();
  for (const f of results.flatMap((r) => r.failures)) {
    const seen = byKey.get(f.key);
    if (!seen || size(f.input) < size(seen.input)) byKey.set(f.key, f);
  }
  const durationMs = performance.now() - started;
  const runs = results.reduce((n, r) => n + r.runs, 0);
  const mocks = mocksOfTests(pkg).length;
  return {
    task: pkg.metadata.name,
    seed: opts.seed,
    lanes,
    durationMs,
    runs,
    runsPerSecond: Math.round(runs / (durationMs / 1000)),
    discarded: results.reduce((n, r) => n + r.discarded, 0),
    skippedConstraints: skipped,
    http:
      mocks > 0
        ? `answered by the ${mocks} mock(s) of the test cases; other requests fail`
        : 'refused (no test case declares mocks)',
    failures: [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key)),
  };
}

const size = (v: unknown): number => JSON.stringify(v)?.length ?? 0;

function inThread(pkg: TaskPackage, opts: FuzzLaneOptions): Promise<FuzzLaneResult> {
  const worker = new Worker(WORKER_URL, { workerData: { pkg, opts } });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: { ok: true; result: FuzzLaneResult } | { ok: false; message: string }) => {
      if (m.ok) resolve(m.result);
      else reject(new Error(`a fuzzing lane failed: ${m.message}`));
      void worker.terminate();
    });
    worker.once('error', (err) => reject(new Error(`a fuzzing lane crashed: ${err.message}`)));
    worker.once('exit', (code) => reject(new Error(`a fuzzing lane exited with code ${code}`)));
  });
}

/** A failure as a test case (tests/fuzz-N.json): the input must not fail; it does until fixed. */
export function failureAsTestCase(f: FuzzFailure, index: number): { file: string; text: string } {
  const kind =
    f.kind === 'output'
      ? 'an output the output schema rejects'
      : f.kind === 'timeout'
        ? 'a timeout'
        : `${f.type}`;
  return {
    file: `fuzz-${String(index + 1).padStart(3, '0')}.json`,
    text: `${JSON.stringify(
      {
        name: `fuzz: ${f.type}${f.line !== undefined ? ` at line ${f.line}` : ''}`,
        description: `Found by ratchet fuzz: this input gave ${kind}: ${f.message}. It passes once the task handles the input.`,
        input: f.input,
      },
      null,
      2,
    )}\n`,
  };
}

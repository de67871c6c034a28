// `ratchet run-batch`: one task run over many inputs, in parallel sandboxes, with an aggregate
// (counts, duration percentiles, distinct errors) and, when expected outputs are given, the same
// comparison and diff a test case gets. The inputs become cases of the test runner's worker pool,
// so a batch gets its threads, watchdog and comparison without a second implementation; each case
// may use the network (as run-once does), within the HTTP settings given.
import type { HttpClientOptions } from '../http/client.ts';
import type { RuntimeLimits } from '../runtime/run-task.ts';
import type { TaskPackage, TaskTestFile } from '../tasks/types.ts';
import type { CaseResult } from '../testing/run-case.ts';
import { runTestSuites } from '../testing/runner.ts';
import { percentiles, type Percentiles } from './task-metrics.ts';

export interface BatchInput {
  /** Shown in the report: the input's file name. */
  name: string;
  input: unknown;
  /** Compared with the output (exact, with a diff) when present. */
  expected?: { output: unknown };
}

export interface BatchItem {
  name: string;
  status: 'COMPLETED' | 'FAILED';
  durationMs: number;
  output?: unknown;
  error?: { type: string; message: string; line?: number };
  /** Only when an expected output was given: whether the output equals it, and how it differs. */
  matches?: boolean;
  diff?: string[];
}

export interface BatchReport {
  task: { name: string; version: string };
  items: BatchItem[];
  totals: { runs: number; completed: number; failed: number; compared: number; differing: number };
  durationMs: Percentiles;
  wallMs: number;
  /** The failures grouped by error type and message, with the inputs that hit each. */
  errors: { type: string; message: string; inputs: string[] }[];
}

export interface BatchOptions {
  parallel: number;
  http: HttpClientOptions;
  limits?: RuntimeLimits;
  onItem?: (item: BatchItem) => void;
}

export async function runInputBatch(
  pkg: TaskPackage,
  path: string,
  inputs: readonly BatchInput[],
  opts: BatchOptions,
): Promise<BatchReport> {
  // Case files are named by position so the runner's name order is the inputs' order.
  const width = String(inputs.length).length;
  const files: TaskTestFile[] = inputs.map((item, i) => ({
    name: `${String(i).padStart(width, '0')}.json`,
    text: JSON.stringify({
      name: item.name,
      input: item.input,
      allow_network: true,
      ...(item.expected ? { expected_output: item.expected.output } : {}),
    }),
  }));
  const started = performance.now();
  const report = await runTestSuites([{ pkg: { ...pkg, tests: files }, path }], {
    parallel: opts.parallel,
    http: opts.http,
    limits: opts.limits,
    onCase: (_suite, result) => opts.onItem?.(toItem(result, inputs[Number.parseInt(result.file, 10)])),
  });
  const wallMs = performance.now() - started;
  const items = (report.tasks[0]?.cases ?? []).map((c) => toItem(c, inputs[Number.parseInt(c.file, 10)]));
  return {
    task: { name: pkg.metadata.name, version: pkg.metadata.version },
    items,
    totals: {
      runs: items.length,
      completed: items.filter((i) => i.status === 'COMPLETED').length,
      failed: items.filter((i) => i.status === 'FAILED').length,
      compared: items.filter((i) => i.matches !== undefined).length,
      differing: items.filter((i) => i.matches === false).length,
    },
    durationMs: percentiles(items.map((i) => i.durationMs)),
    wallMs,
    errors: groupErrors(items),
  };
}

function toItem(c: CaseResult, input: BatchInput | undefined): BatchItem {
  const name = input?.name ?? c.name;
  const durationMs = Math.round(c.durationMs * 1000) / 1000;
  if (c.failure !== undefined || c.status === 'error') {
    const failure = c.failure ?? { type: 'TestCaseError', message: c.message ?? 'the run could not be made' };
    const line = c.error?.location?.line;
    return {
      name,
      status: 'FAILED',
      durationMs,
      error: { ...failure, ...(line !== undefined ? { line } : {}) },
    };
  }
  const compared = input?.expected !== undefined;
  return {
    name,
    status: 'COMPLETED',
    durationMs,
    output: c.output,
    ...(compared ? { matches: c.status === 'passed', ...(c.diff ? { diff: c.diff } : {}) } : {}),
  };
}

function groupErrors(items: readonly BatchItem[]): BatchReport['errors'] {
  const groups = new Map<string, BatchReport['errors'][number]>();
  for (const item of items) {
    if (item.error === undefined) continue;
    const key = `${item.error.type}\0${item.error.message}`;
    const group = groups.get(key) ?? { type: item.error.type, message: item.error.message, inputs: [] };
    group.inputs.push(item.name);
    groups.set(key, group);
  }
  return [...groups.values()];
}

// One run of a task with breakpoint snapshots (breakpoints.ts): the ordered hits with their line,
// values and call stack, and the run's own result (output or error), which instrumenting does
// not change.
import { runTask, type RuntimeLimits } from '../runtime/run-task.ts';
import type { TaskErrorInfo } from '../runtime/types.ts';
import { createMockFetch } from '../testing/mocks.ts';
import type { TaskPackage } from '../tasks/types.ts';
import { HITS_GLOBAL, instrumentBreakpoints, type ResolvedBreakpoint } from './breakpoints.ts';
import { mocksOfTests } from './fuzz-lane.ts';

export const DEFAULT_MAX_HITS = 100;

export interface BreakpointHit {
  breakpoint: string;
  line: number;
  values: Record<string, string>;
  stack: string[];
}

export interface DebugRun {
  breakpoints: ResolvedBreakpoint[];
  hits: BreakpointHit[];
  /** Hits not recorded because maxHits was reached. */
  droppedHits: number;
  status: 'COMPLETED' | 'FAILED';
  output?: unknown;
  error?: TaskErrorInfo;
  http: string;
}

export async function debugTask(
  pkg: TaskPackage,
  opts: { input: unknown; breakpoints: string[]; watch: string[]; maxHits?: number; limits?: RuntimeLimits },
): Promise<DebugRun> {
  const { code, resolved } = instrumentBreakpoints(
    pkg.code,
    opts.breakpoints,
    opts.watch,
    opts.maxHits ?? DEFAULT_MAX_HITS,
  );
  const mocks = mocksOfTests(pkg);
  const run = await runTask(
    { ...pkg, code },
    {
      input: opts.input,
      fetch: createMockFetch(mocks).fetch,
      limits: opts.limits,
      collectGlobal: HITS_GLOBAL,
    },
  );
  const raw =
    run.collected !== undefined
      ? (JSON.parse(run.collected) as {
          list: (Omit<BreakpointHit, 'breakpoint'> & { breakpoint: number })[];
          dropped: number;
        })
      : { list: [], dropped: 0 };
  const result: DebugRun = {
    breakpoints: resolved,
    hits: raw.list.map((h) => ({ ...h, breakpoint: resolved[h.breakpoint]?.spec ?? String(h.breakpoint) })),
    droppedHits: raw.dropped,
    status: run.status,
    http:
      mocks.length > 0
        ? `answered by the ${mocks.length} mock(s) of the test cases; other requests fail`
        : 'refused (no test case declares mocks)',
  };
  if (run.status === 'COMPLETED') result.output = run.output;
  else result.error = run.error;
  return result;
}

// Many runs in one request: parallel (bounded), sequential (in list order) or by dependencies (each
// request starts once everything it depends on completed; a failed dependency skips its
// dependents). stopOnError starts nothing more after the first failure. How one run is made is the
// caller's (the MCP face runs each synchronously with its own cancel and progress); the plan, the
// ordering, the bound and the skipping are decided here once for every face.
import type { ExecutionRecord } from '../store/repos/executions.ts';

export type BatchMode = 'parallel' | 'sequential' | 'dependency';

export interface BatchRequest {
  /** The caller's id for this request, unique in the batch. */
  id: string;
  /** Ids of requests that must complete first. */
  dependencies: readonly string[];
}

export type BatchStatus = 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'REJECTED' | 'SKIPPED';

export interface BatchOutcome<R extends BatchRequest> {
  request: R;
  status: BatchStatus;
  /** The execution, when the run happened. */
  execution?: ExecutionRecord;
  /** Why the run was refused before running (REJECTED): unknown task, input breaking the schema… */
  rejection?: unknown;
  /** Why it was not run (SKIPPED). */
  skippedReason?: string;
}

export interface BatchOptions<R extends BatchRequest> {
  mode: BatchMode;
  /** Runs at once (parallel and dependency modes). */
  maxParallel: number;
  stopOnError: boolean;
  /** Makes one run; a thrown error makes the request REJECTED. */
  run: (request: R) => Promise<ExecutionRecord>;
  /** After each request finished (or was skipped), with how many have. */
  onFinish?: (outcome: BatchOutcome<R>, finished: number) => Promise<void> | void;
  /** Once aborted, requests not started yet are skipped. */
  signal?: AbortSignal;
}

/** A batch that cannot run as given (duplicate ids, unknown dependencies, cycles). */
export class BatchPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BatchPlanError';
  }
}

/** Checks ids and dependencies; returns a topological order (throws BatchPlanError). */
export function planBatch<R extends BatchRequest>(reqs: readonly R[], mode: BatchMode): R[] {
  const index = new Map<string, number>();
  reqs.forEach((r, i) => {
    if (index.has(r.id))
      throw new BatchPlanError(`requests[${i}].id "${r.id}" is used twice; give every request a unique id`);
    index.set(r.id, i);
  });
  reqs.forEach((r, i) => {
    for (const d of r.dependencies) {
      const at = index.get(d);
      if (at === undefined)
        throw new BatchPlanError(
          `requests[${i}].dependencies names "${d}", which is no request id in this batch`,
        );
      if (d === r.id)
        throw new BatchPlanError(
          `requests[${i}] ("${r.id}") depends on itself; remove it from its dependencies`,
        );
      if (mode === 'parallel') {
        throw new BatchPlanError(
          `requests[${i}] has dependencies but execution_mode is parallel; use execution_mode "dependency" (or "sequential")`,
        );
      }
      if (mode === 'sequential' && at > i) {
        throw new BatchPlanError(
          `requests[${i}] ("${r.id}") depends on "${d}", which comes later; in sequential mode list dependencies first, or use execution_mode "dependency"`,
        );
      }
    }
  });
  const order: R[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (r: R, path: string[]): void => {
    if (state.get(r.id) === 'done') return;
    if (state.get(r.id) === 'visiting') {
      throw new BatchPlanError(
        `dependency cycle: ${[...path, r.id].join(' → ')}; remove one of these dependencies`,
      );
    }
    state.set(r.id, 'visiting');
    for (const d of r.dependencies) visit(reqs[index.get(d) ?? -1]!, [...path, r.id]);
    state.set(r.id, 'done');
    order.push(r);
  };
  for (const r of reqs) visit(r, []);
  return order;
}

/** Plans and runs the batch; one outcome per request, in request order. */
export async function runBatch<R extends BatchRequest>(
  reqs: readonly R[],
  o: BatchOptions<R>,
): Promise<BatchOutcome<R>[]> {
  const order = planBatch(reqs, o.mode);
  const outcomes = new Map<string, BatchOutcome<R>>();
  let stopped: string | undefined;
  const finish = async (outcome: BatchOutcome<R>): Promise<void> => {
    outcomes.set(outcome.request.id, outcome);
    const failed = outcome.status !== 'COMPLETED' && outcome.status !== 'SKIPPED';
    if (failed && o.stopOnError) stopped ??= outcome.request.id;
    await o.onFinish?.(outcome, outcomes.size);
  };
  const blocker = (r: R): string | undefined => {
    if (o.signal?.aborted) return 'the call was cancelled';
    if (stopped !== undefined) return `stop_on_error: request "${stopped}" failed`;
    const bad = r.dependencies.find((d) => outcomes.get(d)?.status !== 'COMPLETED');
    return bad === undefined
      ? undefined
      : `dependency "${bad}" did not complete (${outcomes.get(bad)?.status})`;
  };
  const attempt = async (r: R): Promise<void> => {
    const why = blocker(r);
    await finish(why ? { request: r, status: 'SKIPPED', skippedReason: why } : await runOne(r, o.run));
  };
  if (o.mode === 'sequential') {
    for (const r of reqs) await attempt(r);
  } else {
    // Each request waits for its dependencies' promises; a semaphore bounds how many run.
    const limit = semaphore(o.maxParallel);
    const done = new Map<string, Promise<void>>();
    for (const r of order) {
      const deps = r.dependencies.flatMap((d) => done.get(d) ?? []);
      done.set(
        r.id,
        (async () => {
          // Topological order: every dependency's promise exists already.
          await Promise.all(deps);
          const why = blocker(r);
          if (why) return finish({ request: r, status: 'SKIPPED', skippedReason: why });
          await limit(() => attempt(r));
        })(),
      );
    }
    await Promise.all(done.values());
  }
  return reqs.map((r) => outcomes.get(r.id)!);
}

async function runOne<R extends BatchRequest>(
  r: R,
  run: (request: R) => Promise<ExecutionRecord>,
): Promise<BatchOutcome<R>> {
  try {
    const execution = await run(r);
    const status =
      execution.status === 'COMPLETED' || execution.status === 'CANCELLED' ? execution.status : 'FAILED';
    return { request: r, status, execution };
  } catch (err) {
    return { request: r, status: 'REJECTED', rejection: err };
  }
}

/** At most `n` of the wrapped calls run at once; the rest wait in order. */
function semaphore(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiters: (() => void)[] = [];
  return async (fn) => {
    while (running >= n) await new Promise<void>((resolve) => waiters.push(resolve));
    running++;
    try {
      return await fn();
    } finally {
      running--;
      waiters.shift()?.();
    }
  };
}

// Runs one task inside a pooled WebAssembly instance, in its prepared context restored to the
// pristine snapshot (prepared-context.ts).
// Only strings cross the boundary: the input goes in as JSON text, the output comes back as
// JSON text, and every host call (console, fetch, progress, URL parsing) takes and returns
// strings or numbers. Limits: memory (quickjs limit + hard WebAssembly ceiling), a wall-clock
// deadline enforced by the interrupt handler and by capping every blocking host call, and a
// small stack so runaway recursion is an ordinary guest error.
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';
import type { PooledModule } from './module-pool.ts';
import type { SandboxHooks, SandboxLimits, SandboxRequest, SandboxResult, TaskErrorInfo } from './types.ts';
import { RunRecorder } from './recorder.ts';
import { classifyFailure, guestError, hostBudgetError, limitError, outOfMemory } from './errors.ts';
import { HostBudget, hostBudgetBytes } from './host-budget.ts';
import { resolveEntry } from './entry.ts';
import { advanceTimers } from './guest-timers.ts';
import type { EntrySnapshot } from './entry-snapshots.ts';
import { PreparedContext, newRun, type ActiveRun } from './prepared-context.ts';
import type { RunPhase, RunTimings } from './timings.ts';

/** Why the host stops a run: deadline, cancel, or the host budget (host-budget.ts) exceeded. */
type Stop = 'timeout' | 'cancelled' | 'budget' | null;

export function runInModule(pooled: PooledModule, req: SandboxRequest, hooks: SandboxHooks): SandboxResult {
  const started = performance.now();
  const deadline = Date.now() + req.limits.timeoutMs;
  hooks.onDeadline?.(deadline, req.limits.timeoutMs);
  const budget = new HostBudget(hostBudgetBytes(req.limits));
  const rec = new RunRecorder(hooks, budget);
  let stop: Stop = null;
  const finish = (partial: {
    outputJson?: string;
    error?: TaskErrorInfo;
    collected?: string;
  }): SandboxResult => ({
    ok: partial.error === undefined,
    ...partial,
    ...rec.collect(),
    durationMs: performance.now() - started,
  });
  // Checked by the interpreter every few thousand instructions and by the host between jobs,
  // timers and host calls, so neither a loop nor a wait on a far-off timer outlives the deadline.
  const checkStop = (): Stop => {
    if (stop === null) {
      if (budget.exceeded !== undefined) stop = 'budget';
      else if (Date.now() > deadline) stop = 'timeout';
      else if (hooks.isCancelled?.()) stop = 'cancelled';
    }
    return stop;
  };
  const stopError = (s: Exclude<Stop, null>): TaskErrorInfo =>
    s === 'budget'
      ? hostBudgetError(budget.limitBytes, budget.exceeded ?? 'host data')
      : limitError(s, req.limits);
  const run = newRun(rec, deadline, () => checkStop() !== null);
  try {
    // Instrumented runs (coverage, breakpoints) evaluate main.js every time and keep nothing.
    const reusable = req.collectGlobal === undefined ? req : undefined;
    return withContext(pooled, run, req.limits, hooks.timings, reusable, (prepared, from) => {
      const outcome = runInContext(prepared, req, hooks, run, deadline, checkStop, {
        from,
        keep: reusable !== undefined,
      });
      if (hooks.timings) noteHeap(prepared, hooks.timings);
      // The output is held by the host too.
      if (!stop && outcome.outputJson !== undefined) budget.charge(outcome.outputJson.length, 'the output');
      if (!stop && budget.exceeded !== undefined) checkStop();
      if (stop) return finish({ error: stopError(stop) });
      const collected =
        req.collectGlobal !== undefined ? readGlobalJson(prepared.ctx, req.collectGlobal) : undefined;
      return finish(collected === undefined ? outcome : { ...outcome, collected });
    });
  } catch (err) {
    // A trap inside WebAssembly (memory ceiling reached, corrupted state) poisons the instance.
    pooled.broken = true;
    if (err instanceof OutputTooDeep) {
      return { ...finish({ error: { type: 'RangeError', message: err.message } }), outputTooDeep: true };
    }
    return finish({ error: classifyFailure(err, req.limits) });
  }
}

class OutputTooDeep extends Error {
  constructor() {
    super("the task's output nests arrays/objects too deeply to be serialised");
  }
}

/**
 * Runs `fn` in the instance's prepared context (built and snapshotted on first use), restored to
 * its pristine state first, or to the state a deterministic evaluation of `main` left (`from`).
 */
function withContext<T>(
  pooled: PooledModule,
  run: ActiveRun,
  limits: SandboxLimits,
  timings: RunTimings | undefined,
  main: { code: string; fileName: string } | undefined,
  fn: (prepared: PreparedContext, from: EntrySnapshot | undefined) => T,
): T {
  let start = timings ? performance.now() : 0;
  let prepared = pooled.prepared;
  if (!prepared) {
    prepared = pooled.prepared = new PreparedContext(pooled);
    if (timings) {
      timings.end('prepare', start);
      start = performance.now();
    }
  }
  const from = main === undefined ? undefined : prepared.entryFor(main.code, main.fileName);
  try {
    prepared.begin(run, limits, from);
    if (timings) {
      timings.end('restore', start);
      const startBytes = prepared.heapBytes();
      timings.heap = { startBytes, peakBytes: startBytes, endBytes: startBytes, memoryBytes: 0 };
    }
    return fn(prepared, from);
  } finally {
    prepared.end();
  }
}

function runInContext(
  prepared: PreparedContext,
  req: SandboxRequest,
  hooks: SandboxHooks,
  run: ActiveRun,
  deadline: number,
  stopped: () => Stop,
  main: { from: EntrySnapshot | undefined; keep: boolean },
): { outputJson?: string; error?: TaskErrorInfo } {
  const { ctx, rt, globals } = prepared;
  const timings = hooks.timings;
  // The phase under way and its start (performance.now()), only when a profile was asked for;
  // `next` closes it and opens the following one, `finally` closes the one a failure ended.
  let open: RunPhase | undefined = timings ? 'load' : undefined;
  let openedAt = timings ? performance.now() : 0;
  const next = (name: RunPhase | undefined): void => {
    if (!timings || !open) return;
    timings.end(open, openedAt);
    noteHeap(prepared, timings);
    open = name;
    openedAt = performance.now();
  };
  const owned: QuickJSHandle[] = [];
  const own = (h: QuickJSHandle): QuickJSHandle => (owned.push(h), h);
  const fail = (errorHandle: QuickJSHandle) => {
    own(errorHandle);
    return { error: describeThrown(prepared, errorHandle, req, stopped()) };
  };
  try {
    const entry = main.from
      ? { handle: prepared.entryHandle(main.from) }
      : prepared.evaluateEntry(req.code, req.fileName, main.keep);
    next('input');
    if ('error' in entry) return { error: entry.error };
    own(entry.handle);
    const json = own(ctx.getProp(ctx.global, 'JSON'));
    const parse = own(ctx.getProp(json, 'parse'));
    const stringify = own(ctx.getProp(json, 'stringify'));
    const input = own(ctx.unwrapResult(ctx.callFunction(parse, json, own(ctx.newString(req.inputJson)))));
    const context = own(
      ctx.unwrapResult(ctx.callFunction(parse, json, own(ctx.newString(JSON.stringify(req.context))))),
    );
    ctx.setProp(context, 'reportProgress', globals.reportProgress);
    next('run');

    const called = ctx.callFunction(entry.handle, ctx.undefined, input, context);
    if (called.error) return fail(called.error);
    let value = own(called.value);
    for (;;) {
      const state = ctx.getPromiseState(value);
      if (state.type === 'fulfilled') {
        if (!state.notAPromise) value = own(state.value);
        break;
      }
      if (state.type === 'rejected') return fail(state.error);
      if (stopped()) return {};
      const jobs = rt.executePendingJobs();
      if (jobs.error) return fail(jobs.error);
      if (jobs.value > 0) continue;
      const timers = advanceTimers(ctx, run, deadline, hooks);
      if (timers.error) return fail(timers.error);
      if (!timers.more) {
        return {
          error: {
            type: 'Error',
            message:
              'the task returned a promise that never settled (nothing left to run: no pending jobs or timers)',
          },
        };
      }
    }
    next('output');
    if (stopped()) return {};
    let out: ReturnType<typeof ctx.callFunction>;
    try {
      out = ctx.callFunction(stringify, json, value);
    } catch (err) {
      // The host's own stack ran out inside QuickJS's recursive JSON.stringify: the output nests
      // thousands of levels, far past any output depth limit (how deep depends on the thread's
      // stack, so the exact figure is not the point). The instance is unusable after this.
      if (err instanceof RangeError) throw new OutputTooDeep();
      throw err;
    }
    if (out.error) {
      const why = ctx.dump(out.error) as { message?: string };
      out.error.dispose();
      return {
        error: {
          type: 'TypeError',
          message: `the task's result is not JSON-serialisable: ${why.message ?? ''}`,
        },
      };
    }
    const text = ctx.typeof(out.value) === 'string' ? ctx.getString(out.value) : 'null';
    out.value.dispose();
    return { outputJson: text };
  } finally {
    next(undefined);
    for (const h of owned) if (h.alive) h.dispose();
  }
}

/** Samples the guest heap into the run's profile (the interrupt handler samples in between). */
function noteHeap(prepared: PreparedContext, timings: RunTimings): void {
  const heap = timings.heap;
  if (!heap) return;
  heap.endBytes = prepared.heapBytes();
  heap.peakBytes = Math.max(heap.peakBytes, prepared.peakHeapBytes, heap.endBytes);
  heap.memoryBytes = prepared.memoryBytes;
}

/** JSON text of a guest global (instrumentation data), or undefined when absent or unserialisable. */
function readGlobalJson(ctx: QuickJSContext, name: string): string | undefined {
  const r = ctx.evalCode(
    `(() => { try { return JSON.stringify(globalThis[${JSON.stringify(name)}]); } catch { return undefined; } })()`,
    'collect.js',
    { type: 'global' },
  );
  if (r.error) {
    r.error.dispose();
    return undefined;
  }
  const text = ctx.typeof(r.value) === 'string' ? ctx.getString(r.value) : undefined;
  r.value.dispose();
  return text;
}

function describeThrown(
  prepared: PreparedContext,
  h: QuickJSHandle,
  req: SandboxRequest,
  stop: Stop,
): TaskErrorInfo {
  const { ctx } = prepared;
  const dumped = ctx.dump(h) as unknown;
  // QuickJS throws null when not even its "out of memory" error fits; the heap tells it apart
  // from a task's own `throw null`.
  if (dumped === null && !stop && prepared.memoryExhausted(req.limits.memoryBytes)) {
    return outOfMemory(req.limits);
  }
  if (dumped && typeof dumped === 'object' && ctx.typeof(h) === 'object') {
    const status = ctx.getProp(h, 'status');
    if (ctx.typeof(status) === 'number') (dumped as { status?: number }).status = ctx.getNumber(status);
    status.dispose();
  }
  return guestError(dumped, req.fileName, stop === 'budget' ? null : stop, req.limits);
}

/**
 * Evaluates main.js without calling the task, to check that it yields a function (a global
 * `main` only exists after the script ran). Top-level code runs with fetch disabled.
 */
export function probeEntryInModule(
  pooled: PooledModule,
  code: string,
  limits: SandboxLimits,
): TaskErrorInfo | null {
  const deadline = Date.now() + limits.timeoutMs;
  const rec = new RunRecorder({
    fetch: (request) => ({
      request,
      error: { type: 'NetworkError', message: 'fetch is not available while validating main.js' },
      startedAt: new Date().toISOString(),
      durationMs: 0,
    }),
  });
  const run = newRun(rec, deadline, () => Date.now() > deadline);
  return withContext(pooled, run, limits, undefined, undefined, ({ ctx }) => {
    const entry = resolveEntry(ctx, code, 'main.js');
    if ('error' in entry) return entry.error;
    entry.handle.dispose();
    return null;
  });
}

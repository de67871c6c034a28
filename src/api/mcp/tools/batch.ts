// Many runs in one call: parallel (bounded), sequential (in list order) or by dependencies (each
// request starts once everything it depends on completed; a failed dependency skips its
// dependents). stop_on_error stops starting new requests after the first failure.
import { z } from 'zod';
import { errorResult } from '../errors.ts';
import { defineTool, ToolInputError, type ToolContext } from '../tool.ts';
import { RUNS_TASKS, errorShape, taskRef } from './common.ts';
import { runNow, timeoutMs } from './execution.ts';

const request = z.object({
  id: z.string().min(1).max(100).describe('Your id for this request, unique in the batch'),
  task_id: taskRef,
  input: z.record(z.string(), z.unknown()).default({}).describe('Input for this run'),
  dependencies: z.array(z.string()).default([]).describe('ids of requests that must complete first'),
});
type BatchRequest = z.output<typeof request>;

const result = z.object({
  id: z.string(),
  task_id: z.string(),
  status: z
    .enum(['COMPLETED', 'FAILED', 'CANCELLED', 'REJECTED', 'SKIPPED'])
    .describe('REJECTED: refused before running (unknown task, input breaking the schema); SKIPPED: not run'),
  execution_id: z.number().int().nullable(),
  output: z.unknown(),
  error: errorShape.nullable(),
  duration_ms: z.number().nullable(),
  skipped_reason: z.string().nullable(),
});
type BatchResult = z.input<typeof result>;

/** Checks ids and dependencies; returns a topological order (throws ToolInputError on cycles). */
export function planBatch(
  reqs: BatchRequest[],
  mode: 'parallel' | 'sequential' | 'dependency',
): BatchRequest[] {
  const index = new Map<string, number>();
  reqs.forEach((r, i) => {
    if (index.has(r.id))
      throw new ToolInputError(`requests[${i}].id "${r.id}" is used twice; give every request a unique id`);
    index.set(r.id, i);
  });
  reqs.forEach((r, i) => {
    for (const d of r.dependencies) {
      if (!index.has(d))
        throw new ToolInputError(
          `requests[${i}].dependencies names "${d}", which is no request id in this batch`,
        );
      if (d === r.id)
        throw new ToolInputError(
          `requests[${i}] ("${r.id}") depends on itself; remove it from its dependencies`,
        );
      if (mode === 'parallel') {
        throw new ToolInputError(
          `requests[${i}] has dependencies but execution_mode is parallel; use execution_mode "dependency" (or "sequential")`,
        );
      }
      if (mode === 'sequential' && index.get(d)! > i) {
        throw new ToolInputError(
          `requests[${i}] ("${r.id}") depends on "${d}", which comes later; in sequential mode list dependencies first, or use execution_mode "dependency"`,
        );
      }
    }
  });
  const order: BatchRequest[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (r: BatchRequest, path: string[]): void => {
    if (state.get(r.id) === 'done') return;
    if (state.get(r.id) === 'visiting') {
      throw new ToolInputError(
        `dependency cycle: ${[...path, r.id].join(' → ')}; remove one of these dependencies`,
      );
    }
    state.set(r.id, 'visiting');
    for (const d of r.dependencies) visit(reqs[index.get(d)!]!, [...path, r.id]);
    state.set(r.id, 'done');
    order.push(r);
  };
  for (const r of reqs) visit(r, []);
  return order;
}

async function runOne(ctx: ToolContext, r: BatchRequest, limit: number | undefined): Promise<BatchResult> {
  try {
    const e = await runNow(ctx, { task: r.task_id, input: r.input, timeoutMs: limit, progress: false });
    return {
      id: r.id,
      task_id: r.task_id,
      status: e.status === 'COMPLETED' ? 'COMPLETED' : e.status === 'CANCELLED' ? 'CANCELLED' : 'FAILED',
      execution_id: e.id,
      output: e.output ?? null,
      error: e.error ? { ...e.error } : null,
      duration_ms: e.durationMs,
      skipped_reason: null,
    };
  } catch (err) {
    const body = errorResult(err).structuredContent.error;
    return {
      id: r.id,
      task_id: r.task_id,
      status: 'REJECTED',
      execution_id: null,
      output: null,
      error: { type: body.code, message: body.message, details: body.details },
      duration_ms: null,
      skipped_reason: null,
    };
  }
}

function skipped(r: BatchRequest, reason: string): BatchResult {
  return {
    id: r.id,
    task_id: r.task_id,
    status: 'SKIPPED',
    execution_id: null,
    output: null,
    error: null,
    duration_ms: null,
    skipped_reason: reason,
  };
}

export const batchExecute = defineTool({
  name: 'ratchet_batch_execute',
  title: 'Execute several tasks',
  description:
    "Runs several task requests in one call and returns one result per request (in request order) plus a summary. execution_mode: 'parallel' runs up to max_parallel at once (no dependencies allowed); 'sequential' runs them one by one in list order; 'dependency' starts each request once all requests in its dependencies COMPLETED, up to max_parallel at once, and skips requests whose dependency failed. stop_on_error: after the first failure no further request starts (they are SKIPPED). Unknown dependency ids and cycles are refused before anything runs. Sends a progress notification as each request finishes.",
  input: z.object({
    requests: z.array(request).min(1).max(100).describe('The runs to make'),
    execution_mode: z
      .enum(['parallel', 'sequential', 'dependency'])
      .default('parallel')
      .describe('How to order the runs'),
    max_parallel: z
      .number()
      .int()
      .min(1)
      .max(16)
      .default(4)
      .describe('Runs at once (parallel and dependency modes)'),
    stop_on_error: z.boolean().default(false).describe('Start nothing more after the first failure'),
    timeout: z.number().positive().optional().describe('Time limit per run, seconds'),
  }),
  output: z.object({
    results: z.array(result),
    summary: z.object({
      total: z.number().int(),
      completed: z.number().int(),
      failed: z.number().int().describe('FAILED, CANCELLED and REJECTED'),
      skipped: z.number().int(),
      duration_ms: z.number(),
    }),
  }),
  annotations: RUNS_TASKS,
  access: 'run',
  taskSupport: 'optional',
  example: {
    requests: [
      { id: 'a', task_id: 'addition', input: { num1: 1, num2: 2 } },
      { id: 'b', task_id: 'addition', input: { num1: 3, num2: 4 }, dependencies: ['a'] },
    ],
    execution_mode: 'dependency',
  },
  async handler(args, ctx) {
    const order = planBatch(args.requests, args.execution_mode);
    const limit = timeoutMs(ctx.app, args.timeout);
    const started = performance.now();
    const results = new Map<string, BatchResult>();
    let stopped: string | undefined;
    const finish = async (r: BatchResult): Promise<void> => {
      results.set(r.id, r);
      if (r.status !== 'COMPLETED' && r.status !== 'SKIPPED' && args.stop_on_error) stopped ??= r.id;
      await ctx.progress(results.size / args.requests.length, `${r.id}: ${r.status}`);
    };
    const blocker = (r: BatchRequest): string | undefined => {
      if (ctx.signal.aborted) return 'the call was cancelled';
      if (stopped !== undefined) return `stop_on_error: request "${stopped}" failed`;
      const bad = r.dependencies.find((d) => results.get(d)?.status !== 'COMPLETED');
      return bad === undefined
        ? undefined
        : `dependency "${bad}" did not complete (${results.get(bad)?.status})`;
    };
    if (args.execution_mode === 'sequential') {
      for (const r of args.requests) {
        const why = blocker(r);
        await finish(why ? skipped(r, why) : await runOne(ctx, r, limit));
      }
    } else {
      // Each request waits for its dependencies' promises; a semaphore bounds how many run.
      const done = new Map<string, Promise<void>>();
      let running = 0;
      const waiters: (() => void)[] = [];
      const acquire = async () => {
        while (running >= args.max_parallel) await new Promise<void>((res) => waiters.push(res));
        running++;
      };
      const release = () => {
        running--;
        waiters.shift()?.();
      };
      for (const r of order) {
        done.set(
          r.id,
          (async () => {
            // Topological order: every dependency's promise exists already.
            await Promise.all(r.dependencies.map((d) => done.get(d)!));
            let why = blocker(r);
            if (why) return finish(skipped(r, why));
            await acquire();
            try {
              why = blocker(r);
              await finish(why ? skipped(r, why) : await runOne(ctx, r, limit));
            } finally {
              release();
            }
          })(),
        );
      }
      await Promise.all(done.values());
    }
    const list = args.requests.map((r) => results.get(r.id)!);
    return {
      results: list,
      summary: {
        total: list.length,
        completed: list.filter((r) => r.status === 'COMPLETED').length,
        failed: list.filter((r) => ['FAILED', 'CANCELLED', 'REJECTED'].includes(r.status)).length,
        skipped: list.filter((r) => r.status === 'SKIPPED').length,
        duration_ms: Math.round(performance.now() - started),
      },
    };
  },
});

export const batchTools = [batchExecute];

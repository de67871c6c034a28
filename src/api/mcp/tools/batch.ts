// ratchet_batch_execute: the MCP face of services/batch.ts (planning, ordering, the parallel bound
// and skipping live there); each run is a synchronous execution with this call's cancel.
import { z } from 'zod';
import { BatchPlanError, runBatch, type BatchOutcome } from '../../../services/batch.ts';
import { errorResult } from '../errors.ts';
import { defineTool, ToolInputError } from '../tool.ts';
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

/** One request's outcome as the tool reports it. */
function view(o: BatchOutcome<BatchRequest>): BatchResult {
  const { request: r, execution: e } = o;
  const base = { id: r.id, task_id: r.task_id, status: o.status, skipped_reason: o.skippedReason ?? null };
  if (e) {
    return {
      ...base,
      execution_id: e.id,
      output: e.output ?? null,
      error: e.error ? { ...e.error } : null,
      duration_ms: e.durationMs,
    };
  }
  const rejected = o.status === 'REJECTED' ? errorResult(o.rejection).structuredContent.error : undefined;
  return {
    ...base,
    execution_id: null,
    output: null,
    error: rejected ? { type: rejected.code, message: rejected.message, details: rejected.details } : null,
    duration_ms: null,
  };
}

export const batchExecute = defineTool({
  name: 'ratchet_batch_execute',
  title: 'Execute several tasks',
  description:
    'Runs several requests in one call: parallel, sequential, or by dependencies (dependents of a failure are SKIPPED); stop_on_error starts nothing after a failure. Returns one result per request and a summary.',
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
    const limit = timeoutMs(ctx.app, args.timeout);
    const started = performance.now();
    let outcomes: BatchOutcome<BatchRequest>[];
    try {
      outcomes = await runBatch(args.requests, {
        mode: args.execution_mode,
        maxParallel: args.max_parallel,
        stopOnError: args.stop_on_error,
        signal: ctx.signal,
        run: (r) => runNow(ctx, { task: r.task_id, input: r.input, timeoutMs: limit, progress: false }),
        onFinish: (o, finished) =>
          ctx.progress(finished / args.requests.length, `${o.request.id}: ${o.status}`),
      });
    } catch (err) {
      // A batch that cannot run as given is a problem with the tool's arguments.
      if (err instanceof BatchPlanError) throw new ToolInputError(err.message);
      throw err;
    }
    const list = outcomes.map(view);
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

// Running a task and reading what a run produced: execute, status, logs, trace.
import { z } from 'zod';
import type { Ratchet } from '../../../app.ts';
import { cancelDirectExecution, executeNow } from '../../../services/direct-execution.ts';
import { getExecutionRecord, type ExecutionRecord } from '../../../services/executions.ts';
import { defineTool, ToolInputError, type ToolContext } from '../tool.ts';
import { executionId, executionView, READ_ONLY, RUNS_TASKS, taskInput, taskRef, viewOf } from './common.ts';
import { httpCall, logsOf, timelineOf } from '../../../services/execution-trace.ts';
import { httpCallView, logEntry, timelineEntry } from './trace-view.ts';

/** Seconds → milliseconds, within execution.max_execution_duration. */
export function timeoutMs(app: Ratchet, seconds: number | undefined, field = 'timeout'): number | undefined {
  if (seconds === undefined) return undefined;
  const cap = app.config.execution.max_execution_duration;
  if (seconds > cap) {
    throw new ToolInputError(
      `${field} ${seconds} is above this server's limit of ${cap} seconds (execution.max_execution_duration); pass at most ${cap}`,
    );
  }
  return Math.round(seconds * 1000);
}

/** Runs a task now on this server, reporting progress and stopping when the caller cancels. */
export async function runNow(
  ctx: ToolContext,
  req: { task: string; version?: string; input: unknown; timeoutMs?: number; progress?: boolean },
): Promise<ExecutionRecord> {
  let started: number | undefined;
  const onAbort = () => {
    if (started !== undefined) cancelDirectExecution(ctx.app, started);
  };
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await executeNow(ctx.app, {
      task: req.task,
      version: req.version,
      input: req.input,
      timeoutMs: req.timeoutMs,
      onStarted: (e) => {
        started = e.id;
        ctx.onExecution?.(e.id);
        // The first notification names the run, so a client can follow it with the job tools.
        if (req.progress !== false) void ctx.progress(0, `execution_id ${e.id} started`);
        if (ctx.signal.aborted) onAbort();
      },
      onProgress: req.progress === false ? undefined : (p) => void ctx.progress(p.fraction, p.message),
    });
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

const executeOutput = executionView.extend({
  logs: z.array(logEntry).optional().describe('Console lines (when trace is true)'),
  http_calls: z.array(httpCallView).optional().describe('HTTP calls the task made (when trace is true)'),
});

export const executeTask = defineTool({
  name: 'ratchet_execute_task',
  title: 'Execute a task',
  description:
    'Runs a task now and waits for the result; the input is checked against its input schema first. Returns the execution (execution_id, status, output, error, duration_ms; with trace also console lines and HTTP calls). On FAILED call ratchet_analyze_execution_error. With a progress token the first notification names the execution_id and one follows at least every 15 s; for runs longer than your client waits use ratchet_create_job.',
  input: z.object({
    task_id: taskRef,
    input: taskInput,
    version: z.string().optional().describe('A version to run (default: the latest enabled version)'),
    trace: z.boolean().default(false).describe('Include every console line and HTTP call in the result'),
    timeout: z
      .number()
      .positive()
      .optional()
      .describe("Time limit in seconds (default: the task's metadata timeout, else the server maximum)"),
    stream_progress: z
      .boolean()
      .default(true)
      .describe('Send progress notifications while the task runs (needs a progress token in the request)'),
  }),
  output: executeOutput,
  annotations: RUNS_TASKS,
  access: 'run',
  taskSupport: 'optional',
  example: { task_id: 'addition', input: { num1: 2, num2: 3 } },
  async handler(args, ctx) {
    const e = await runNow(ctx, {
      task: args.task_id,
      version: args.version,
      input: args.input,
      timeoutMs: timeoutMs(ctx.app, args.timeout),
      progress: args.stream_progress,
    });
    const view = await viewOf(ctx.app, e);
    if (!args.trace) return view;
    return { ...view, logs: logsOf(e), http_calls: (e.http ?? []).map((x) => httpCall(x, true)) };
  },
});

export const getExecutionStatus = defineTool({
  name: 'ratchet_get_execution_status',
  title: 'Execution status',
  description:
    "One execution's state (PENDING, RUNNING, COMPLETED, FAILED, CANCELLED), last progress, timings, and output or error once finished. Returns the execution.",
  input: z.object({ execution_id: executionId }),
  output: executionView,
  annotations: READ_ONLY,
  access: 'read',
  example: { execution_id: 1 },
  async handler(args, ctx) {
    return viewOf(ctx.app, await getExecutionRecord(ctx.app, args.execution_id));
  },
});

const LEVELS = ['debug', 'log', 'info', 'warn', 'error'] as const;

export const getExecutionLogs = defineTool({
  name: 'ratchet_get_execution_logs',
  title: 'Execution logs',
  description:
    "The console lines of one execution, in order, with level and time. Returns those at or above `level` (debug < log < info < warn < error), the last `limit` of them; format 'text' adds one text block.",
  input: z.object({
    execution_id: executionId,
    level: z.enum(LEVELS).default('debug').describe('Minimum level to return'),
    limit: z
      .number()
      .int()
      .min(1)
      .max(10000)
      .default(200)
      .describe('At most this many lines (the last ones)'),
    format: z.enum(['json', 'text']).default('json').describe("'text' adds the lines as one text block"),
  }),
  output: z.object({
    execution_id: z.number().int(),
    status: z.string(),
    total: z.number().int().describe('Lines at or above the level'),
    returned: z.number().int(),
    logs: z.array(logEntry),
    text: z.string().optional().describe("The lines as text (format 'text')"),
  }),
  annotations: READ_ONLY,
  access: 'read',
  example: { execution_id: 1, level: 'info', limit: 50 },
  async handler(args, ctx) {
    const e = await getExecutionRecord(ctx.app, args.execution_id);
    const min = LEVELS.indexOf(args.level);
    const all = logsOf(e).filter((l) => LEVELS.indexOf(l.level) >= min);
    const logs = all.slice(-args.limit);
    return {
      execution_id: e.id,
      status: e.status,
      total: all.length,
      returned: logs.length,
      logs,
      ...(args.format === 'text'
        ? { text: logs.map((l) => `${l.timestamp} ${l.level.toUpperCase()} ${l.message}`).join('\n') }
        : {}),
    };
  },
});

export const getExecutionTrace = defineTool({
  name: 'ratchet_get_execution_trace',
  title: 'Execution trace',
  description:
    'What one execution did, in order: console lines, HTTP calls and progress, each with its offset in ms. Returns the timeline and, with include_http_calls, the HTTP exchanges.',
  input: z.object({
    execution_id: executionId,
    include_http_calls: z.boolean().default(true).describe('Include full HTTP exchanges (headers, bodies)'),
  }),
  output: z.object({
    execution_id: z.number().int(),
    status: z.string(),
    duration_ms: z.number().nullable(),
    timeline: z.array(timelineEntry),
    http_calls: z.array(httpCallView).optional(),
  }),
  annotations: READ_ONLY,
  access: 'read',
  example: { execution_id: 1, include_http_calls: true },
  async handler(args, ctx) {
    const e = await getExecutionRecord(ctx.app, args.execution_id);
    return {
      execution_id: e.id,
      status: e.status,
      duration_ms: e.durationMs,
      timeline: timelineOf(e),
      ...(args.include_http_calls ? { http_calls: (e.http ?? []).map((x) => httpCall(x, true)) } : {}),
    };
  },
});

export const executionTools = [executeTask, getExecutionStatus, getExecutionLogs, getExecutionTrace];

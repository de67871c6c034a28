// Steering runs through the queue: cancel and retry executions, queue a job, follow a job.
import { z } from 'zod';
import { cancelExecution, listExecutionPage, retryExecution } from '../../../services/executions.ts';
import { createJob, getJobRecord } from '../../../services/jobs/index.ts';
import type { JobRecord } from '../../../store/repos/jobs.ts';
import { defineTool, type ToolContext } from '../tool.ts';
import { RUNS_TASKS, executionId, executionView, taskInput, taskRef, viewOf } from './common.ts';
import { timeoutMs } from './execution.ts';
import { jobView, jobViewOf, taskNames } from './views.ts';

const FINAL_JOB = ['COMPLETED', 'FAILED', 'CANCELLED'];

export const cancelExecutionTool = defineTool({
  name: 'ratchet_cancel_execution',
  title: 'Cancel an execution',
  description:
    'Stops a PENDING or RUNNING execution; a finished one is a CONFLICT. Returns the execution, its job, and whether it is stopping.',
  input: z.object({ execution_id: executionId }),
  output: z.object({ execution: executionView, job: jobView.nullable(), stopping: z.boolean() }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  access: 'run',
  example: { execution_id: 1 },
  async handler(args, ctx) {
    const r = await cancelExecution(ctx.app, args.execution_id);
    return {
      execution: await viewOf(ctx.app, r.execution),
      job: r.job ? await jobViewOf(r.job, taskNames(ctx.app)) : null,
      stopping: r.stopping,
    };
  },
});

export const retryExecutionTool = defineTool({
  name: 'ratchet_retry_execution',
  title: 'Retry an execution',
  description:
    'Runs a FAILED or CANCELLED execution again through the job queue with the same input, on the latest ENABLED version by default (so a saved fix runs; `version` pins one). Returns the job, task_version and previous_version; follow it with ratchet_get_job_status. Automatic retries skip ValidationError, DataError and 4xx HttpError (except 408 and 429).',
  input: z.object({
    execution_id: executionId,
    version: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe('Version to run (default: the latest enabled version)'),
  }),
  output: z.object({
    job: jobView,
    requeued: z.boolean().describe('true: the original job was requeued; false: a new job'),
    task_version: z.string().describe('The version this retry runs'),
    previous_version: z.string().nullable().describe('The version that ran and failed (null: since deleted)'),
  }),
  // The queued run executes task code, which may call the outside world.
  annotations: RUNS_TASKS,
  access: 'run',
  example: { execution_id: 1 },
  async handler(args, ctx) {
    const r = await retryExecution(ctx.app, args.execution_id, { version: args.version ?? 'latest' });
    return {
      job: await jobViewOf(r.job, taskNames(ctx.app)),
      requeued: r.requeued,
      task_version: r.version,
      previous_version: r.previousVersion,
    };
  },
});

export const createJobTool = defineTool({
  name: 'ratchet_create_job',
  title: 'Queue a job',
  description:
    'Queues a run on the durable job queue: survives restarts, retried on failure, may wait (scheduled_for, delay_seconds). Returns the job; follow it with ratchet_get_job_status.',
  input: z.object({
    task_id: taskRef,
    input: taskInput,
    version: z.string().optional().describe('Pin a version (default: the latest when the job runs)'),
    priority: z.enum(['LOW', 'NORMAL', 'HIGH', 'CRITICAL']).default('NORMAL').describe('Queue priority'),
    max_retries: z.number().int().min(0).max(100).optional().describe('Retries after the first attempt'),
    scheduled_for: z.string().optional().describe('ISO-8601 time before which the job does not run'),
    delay_seconds: z.number().min(0).optional().describe('Run no earlier than this many seconds from now'),
    timeout: z.number().positive().optional().describe('Time limit per attempt, seconds'),
    idempotency_key: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('The same key returns the same job instead of a new one'),
  }),
  output: z.object({ job: jobView, created: z.boolean() }),
  // The job runs task code, which may call the outside world.
  annotations: RUNS_TASKS,
  access: 'run',
  example: { task_id: 'addition', input: { num1: 4, num2: 5 }, priority: 'HIGH' },
  async handler(args, ctx) {
    const r = await createJob(ctx.app, {
      taskId: args.task_id,
      version: args.version,
      input: args.input,
      priority: args.priority,
      maxRetries: args.max_retries,
      scheduledFor: args.scheduled_for,
      delayMs: args.delay_seconds === undefined ? undefined : Math.round(args.delay_seconds * 1000),
      timeoutMs: timeoutMs(ctx.app, args.timeout),
      idempotencyKey: args.idempotency_key,
    });
    return { job: await jobViewOf(r.job, taskNames(ctx.app)), created: r.created };
  },
});

/** Longest wait: below the 60 s request timeout of the official SDK clients (and most others). */
export const MAX_WAIT_SECONDS = 50;
/** A progress notification this often while waiting, for clients that reset their timeout on it. */
const WAIT_PROGRESS_MS = 5000;

async function waitFor(ctx: ToolContext, id: number, seconds: number): Promise<JobRecord> {
  const started = Date.now();
  const deadline = started + seconds * 1000;
  let nextProgress = started;
  for (;;) {
    const job = await getJobRecord(ctx.app, id);
    const now = Date.now();
    if (FINAL_JOB.includes(job.status) || now >= deadline || ctx.signal.aborted) return job;
    if (now >= nextProgress) {
      nextProgress = now + WAIT_PROGRESS_MS;
      const waited = Math.round((now - started) / 1000);
      await ctx.progress(
        (now - started) / (deadline - started),
        `job ${job.id} is ${job.status}; waited ${waited} s of ${seconds} s`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const getJobStatus = defineTool({
  name: 'ratchet_get_job_status',
  title: 'Job status',
  description:
    'One job with its executions and last result. wait_seconds (up to 50, below the usual 60 s client request timeout) waits for the end, with progress every 5 s. Returns the job, finished, and its executions.',
  input: z.object({
    job_id: z
      .union([z.number().int().positive(), z.string().min(1).max(100)])
      .describe('The job: its numeric id or UUID'),
    wait_seconds: z
      .number()
      .min(0)
      .max(MAX_WAIT_SECONDS)
      .default(0)
      .describe(`Wait up to this many seconds (at most ${MAX_WAIT_SECONDS}) for the job to finish`),
  }),
  output: z.object({
    job: jobView,
    finished: z.boolean(),
    executions: z.array(executionView).describe('Attempts, newest first'),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  access: 'read',
  example: { job_id: 1, wait_seconds: 5 },
  async handler(args, ctx) {
    const first = await getJobRecord(ctx.app, args.job_id);
    const job = args.wait_seconds > 0 ? await waitFor(ctx, first.id, args.wait_seconds) : first;
    const { rows } = await listExecutionPage(ctx.app, {
      filters: [{ field: 'jobId', op: 'eq', value: job.id }],
      sort: { field: 'id', order: 'desc' },
      limit: 20,
    });
    return {
      job: await jobViewOf(job, taskNames(ctx.app)),
      finished: FINAL_JOB.includes(job.status),
      executions: await Promise.all(rows.map((e) => viewOf(ctx.app, e))),
    };
  },
});

export const controlTools = [cancelExecutionTool, retryExecutionTool, createJobTool, getJobStatus];

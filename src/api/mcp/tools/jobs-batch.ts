// ratchet_create_jobs: bulk enqueue for agents (services/jobs/enqueue-many.ts), the MCP face of
// POST /jobs/batch and `job enqueue --input-file items.jsonl`.
import { z } from 'zod';
import { enqueueMany, MAX_BATCH_JOBS } from '../../../services/jobs/index.ts';
import { defineTool } from '../tool.ts';
import { RUNS_TASKS, taskInput, taskRef } from './common.ts';
import { timeoutMs } from './execution.ts';

export const createJobsTool = defineTool({
  name: 'ratchet_create_jobs',
  title: 'Queue many jobs',
  description: `Queues up to ${MAX_BATCH_JOBS} runs of one task in one transaction, each with its own input; inputs are checked first, all or none unless partial. Returns created, jobs and rejected (with violations).`,
  input: z.object({
    task_id: taskRef,
    version: z.string().optional().describe('Pin a version (default: the latest when each job runs)'),
    jobs: z
      .array(
        z.object({
          input: taskInput,
          priority: z.enum(['LOW', 'NORMAL', 'HIGH', 'CRITICAL']).optional().describe('Queue priority'),
          delay_seconds: z
            .number()
            .min(0)
            .optional()
            .describe('Run no earlier than this many seconds from now'),
          max_retries: z
            .number()
            .int()
            .min(0)
            .max(100)
            .optional()
            .describe('Retries after the first attempt'),
          timeout: z.number().positive().optional().describe('Time limit per attempt, seconds'),
          idempotency_key: z
            .string()
            .min(1)
            .max(200)
            .optional()
            .describe('The same key returns the same job instead of a new one (within the batch too)'),
        }),
      )
      .min(1)
      .max(MAX_BATCH_JOBS)
      .describe('One entry per job'),
    partial: z.boolean().default(false).describe('Queue the valid jobs and report the others'),
  }),
  output: z.object({
    created: z.number().int(),
    jobs: z.array(z.object({ index: z.number().int(), job_id: z.number().int(), created: z.boolean() })),
    rejected: z.array(
      z.object({
        index: z.number().int(),
        violations: z.array(z.object({ path: z.string(), message: z.string() })),
      }),
    ),
  }),
  annotations: RUNS_TASKS,
  access: 'run',
  example: {
    task_id: 'addition',
    jobs: [{ input: { num1: 1, num2: 2 } }, { input: { num1: 3, num2: 4 }, priority: 'HIGH' }],
  },
  async handler(args, ctx) {
    const result = await enqueueMany(ctx.app, {
      task: args.task_id,
      version: args.version,
      partial: args.partial,
      jobs: args.jobs.map((j) => ({
        input: j.input,
        priority: j.priority,
        delayMs: j.delay_seconds === undefined ? undefined : Math.round(j.delay_seconds * 1000),
        maxRetries: j.max_retries,
        timeoutMs: timeoutMs(ctx.app, j.timeout),
        idempotencyKey: j.idempotency_key,
      })),
    });
    return {
      created: result.created,
      jobs: result.jobs.map((j) => ({ index: j.index, job_id: j.job.id, created: j.created })),
      rejected: result.rejected,
    };
  },
});

export const jobsBatchTools = [createJobsTool];

// Pieces the execution & monitoring tools share: argument schemas, annotation presets and the
// compact execution view every tool returns for an execution.
import { z } from 'zod';
import type { Ratchet } from '../../../app.ts';
import type { ExecutionRecord, ExecutionSummary } from '../../../services/executions.ts';
import { subjectOfExecution } from '../../../services/execution-context.ts';
import type { ToolAnnotations } from '../tool.ts';

export const READ_ONLY: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};
/** Runs task code, which may call the outside world. */
export const RUNS_TASKS: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: true,
};
export const CHANGES_STATE: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: false,
};

export const executionId = z
  .union([z.number().int().positive(), z.string().min(1).max(100)])
  .describe('Execution id or UUID');

export const taskRef = z
  .string()
  .min(1)
  .max(200)
  .describe('Task: numeric id, UUID or name, or folder/zip path');

export const taskInput = z
  .record(z.string(), z.unknown())
  .default({})
  .describe("Input (matches the task's input schema)");

export const errorShape = z
  .object({
    type: z.string().describe('Error class, e.g. DataError, HttpError, TimeoutError'),
    message: z.string(),
    location: z.unknown().optional().describe('Where in the task it happened, { file, line, column }'),
  })
  .passthrough();

export const executionView = z.object({
  execution_id: z.number().int(),
  execution_uuid: z.string(),
  task: z.string().describe('Task name'),
  task_version: z.string(),
  job_id: z.number().int().nullable(),
  status: z.enum(['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED']),
  input: z.unknown(),
  output: z.unknown().describe('The task result (null unless COMPLETED)'),
  error: errorShape.nullable(),
  progress: z.unknown().describe('The last progress report { fraction, message }, or null'),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  duration_ms: z.number().nullable(),
});
export type ExecutionView = z.input<typeof executionView>;

export async function viewOf(app: Ratchet, e: ExecutionSummary | ExecutionRecord): Promise<ExecutionView> {
  const { task, version } = await subjectOfExecution(app, e);
  return {
    execution_id: e.id,
    execution_uuid: e.uuid,
    task: task.name,
    task_version: version.version,
    job_id: e.jobId,
    status: e.status,
    input: e.input,
    output: e.output ?? null,
    error: e.error ? { ...e.error } : null,
    progress: e.progress ?? null,
    started_at: e.startedAt,
    finished_at: e.finishedAt,
    duration_ms: e.durationMs,
  };
}

/** A page of a list: what was asked and what there is. */
export const pageFields = {
  page: z.number().int().min(1).default(1).describe('Page number, from 1'),
  limit: z.number().int().min(1).max(200).default(25).describe('Items per page (1–200)'),
};

export const pageInfo = z.object({
  page: z.number().int(),
  limit: z.number().int(),
  total: z.number().int().describe('Items matching the filters across all pages'),
  has_more: z.boolean(),
});

export function pageOf(page: number, limit: number, total: number): z.input<typeof pageInfo> {
  return { page, limit, total, has_more: page * limit < total };
}

/** A service's camelCase report with snake_case keys, as every MCP answer has them (recursively). */
export function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snakeKeys(v)]),
  );
}

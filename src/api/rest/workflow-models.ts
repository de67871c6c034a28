// Response shapes of /workflows and /workflow-runs (zod, published in the OpenAPI document).
import { z } from 'zod';
import { RUN_STATES, STEP_STATES } from '../../workflows/states.ts';

const json = z.unknown();
const time = z.string().describe('ISO-8601');

export const Problem = z.object({
  file: z.string().optional(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  step: z.string().optional(),
  message: z.string(),
});

export const Validation = z.object({ valid: z.boolean(), problems: z.array(Problem) });

export const Workflow = z.object({
  id: z.number().int(),
  name: z.string(),
  latestVersion: z.string().nullable(),
  description: z.string(),
  createdAt: time,
  updatedAt: time,
});

export const WorkflowVersion = z.object({
  id: z.number().int(),
  workflowId: z.number().int(),
  name: z.string(),
  version: z.string(),
  description: z.string(),
  definition: json.describe('The normalised definition (docs/workflows.md)'),
  createdAt: time,
});

export const WorkflowRun = z.object({
  id: z.number().int(),
  uuid: z.string(),
  workflow: z.string(),
  version: z.string(),
  workflowVersionId: z.number().int(),
  status: z.enum(RUN_STATES),
  input: json,
  output: json,
  error: json,
  idempotencyKey: z.string().nullable(),
  createdAt: time,
  updatedAt: time,
  finishedAt: time.nullable(),
});

const StepStatus = z.object({
  name: z.string(),
  task: z.string(),
  dependencies: z.array(z.string()),
  status: z.enum(STEP_STATES),
  attempts: z.number().int(),
  startedAt: time.nullable(),
  finishedAt: time.nullable(),
  durationMs: z.number().nullable(),
  output: json,
  error: json,
  jobId: z.number().int().nullable(),
  items: z
    .array(
      z.object({
        index: z.number().int(),
        status: z.enum(STEP_STATES),
        attempts: z.number().int(),
        output: json,
        error: json,
      }),
    )
    .optional()
    .describe('for_each steps: each item'),
});

export const RunStatus = z.object({ run: WorkflowRun, steps: z.array(StepStatus) });

export const Transition = z.object({
  id: z.number().int(),
  runId: z.number().int(),
  stepId: z.number().int().nullable(),
  step: z.string().nullable().describe('null: the run itself; items as name[index]'),
  from: z.string().nullable(),
  to: z.string(),
  reason: z.string(),
  actor: z.string(),
  at: time,
});

// Workflows (docs/workflows.md): store and validate a definition, start a run (optionally waiting
// for it, with progress as steps finish), read a run with its DAG, cancel it, retry or resolve a
// step. Everything goes through services/workflows; answers use snake_case like the other tools.
import { z } from 'zod';
import {
  cancelWorkflowRun,
  itemCounts,
  resolveWorkflowStep,
  retryWorkflowStep,
  runGraph,
  runStatus,
  runTransitions,
  saveWorkflow,
  startWorkflow,
  validateWorkflow,
  waitForRun,
  workflowSourceOf,
  type RunStatus,
} from '../../../services/workflows/index.ts';
import type { Ratchet } from '../../../app.ts';
import { defineTool } from '../tool.ts';
import { CHANGES_STATE, READ_ONLY, RUNS_TASKS } from './common.ts';
import { runEnded } from '../../../workflows/states.ts';

const definition = z
  .union([z.string().min(1).max(1_000_000), z.record(z.string(), z.unknown())])
  .describe('workflow.yaml/.json text or object');
const runRef = z.union([z.number().int().positive(), z.string().min(1).max(100)]).describe('Run id or UUID');
const stepName = z.string().min(1).max(200).describe('Step name');

const problem = z.object({
  file: z.string().optional(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  step: z.string().optional(),
  message: z.string(),
});

const stepView = z.object({
  name: z.string(),
  task: z.string(),
  dependencies: z.array(z.string()),
  status: z
    .string()
    .describe(
      'PENDING, ENQUEUED, RUNNING, WAITING_FOR_RETRY, COMPLETED, FAILED, SKIPPED, CANCELLED, RESOLVED_MANUALLY',
    ),
  attempts: z.number().int(),
  duration_ms: z.number().nullable(),
  output: z.unknown(),
  error: z.unknown(),
  items: z
    .object({ total: z.number().int(), completed: z.number().int(), failed: z.number().int() })
    .optional()
    .describe('for_each steps: item counts'),
});

const runView = z.object({
  run_id: z.number().int(),
  run_uuid: z.string(),
  workflow: z.string(),
  version: z.string(),
  status: z
    .string()
    .describe(
      'PENDING, RUNNING, WAITING_FOR_RETRY, BLOCKED_BY_FAILURES, COMPLETED, FAILED, CANCELLED, RESOLVED_MANUALLY',
    ),
  input: z.unknown(),
  output: z.unknown().describe('The workflow output once COMPLETED or RESOLVED_MANUALLY'),
  error: z.unknown(),
  steps: z.array(stepView),
  graph: z.string().describe('The DAG with each step’s state, as Mermaid'),
});

async function view(app: Ratchet, s: RunStatus) {
  return {
    run_id: s.run.id,
    run_uuid: s.run.uuid,
    workflow: s.run.workflow,
    version: s.run.version,
    status: s.run.status,
    input: s.run.input,
    output: s.run.output,
    error: s.run.error,
    steps: s.steps.map((x) => ({
      name: x.name,
      task: x.task,
      dependencies: x.dependencies,
      status: x.status,
      attempts: x.attempts,
      duration_ms: x.durationMs,
      output: x.output,
      error: x.error,
      ...(x.items ? { items: itemCounts(x.items) } : {}),
    })),
    graph: await runGraph(app, s.run.id),
  };
}

const EXAMPLE = `name: add-twice
version: 1.0.0
steps:
  - { name: first, task: addition, input: { num1: workflow.a, num2: workflow.b } }
  - { name: second, task: addition, dependencies: [first], input: { num1: steps.first.sum, num2: 10 } }
`;

export const saveWorkflowTool = defineTool({
  name: 'ratchet_save_workflow',
  title: 'Create or update a workflow',
  description:
    'Stores a workflow version (a DAG of existing tasks), validated first: problems come back with line, column and step. A change needs a higher version. Returns the stored version; run it with ratchet_start_workflow.',
  input: z.object({ definition }),
  output: z.object({
    workflow: z.object({
      name: z.string(),
      version: z.string(),
      description: z.string(),
      created: z.boolean(),
    }),
  }),
  annotations: { ...CHANGES_STATE, idempotentHint: true },
  access: 'write',
  example: { definition: EXAMPLE },
  async handler(args, ctx) {
    const { version, created } = await saveWorkflow(ctx.app, workflowSourceOf(args.definition));
    return {
      workflow: { name: version.name, version: version.version, description: version.description, created },
    };
  },
});

export const validateWorkflowTool = defineTool({
  name: 'ratchet_validate_workflow',
  title: 'Validate a workflow',
  description:
    'Checks a workflow without storing it (tasks, dependencies, cycles, expressions). Returns valid and the problems.',
  input: z.object({ definition }),
  output: z.object({ valid: z.boolean(), problems: z.array(problem) }),
  annotations: READ_ONLY,
  access: 'read',
  example: { definition: EXAMPLE },
  async handler(args, ctx) {
    return validateWorkflow(ctx.app, workflowSourceOf(args.definition));
  },
});

export const startWorkflowTool = defineTool({
  name: 'ratchet_start_workflow',
  title: 'Start a workflow run',
  description:
    'Starts a run of a stored workflow; each ready step becomes a job. Returns the run (steps, DAG); wait_seconds waits for its end, with progress.',
  input: z.object({
    workflow: z.string().min(1).max(200).describe('Workflow name'),
    version: z.string().min(1).max(64).optional().describe('Version (default: latest)'),
    input: z.record(z.string(), z.unknown()).default({}).describe('Run input (matches input_schema)'),
    idempotency_key: z.string().min(1).max(256).optional().describe('Same key, same run'),
    wait_seconds: z.number().min(0).max(300).default(0).describe('Wait up to this long for the end'),
  }),
  output: z.object({ run: runView, created: z.boolean(), ended: z.boolean() }),
  annotations: RUNS_TASKS,
  access: 'run',
  example: { workflow: 'add-twice', input: { a: 1, b: 2 }, wait_seconds: 30 },
  async handler(args, ctx) {
    const started = await startWorkflow(ctx.app, {
      workflow: args.workflow,
      version: args.version,
      input: args.input,
      idempotencyKey: args.idempotency_key ?? null,
      actor: `mcp:${ctx.principal.name}`,
    });
    let s = await runStatus(ctx.app, started.id);
    if (args.wait_seconds > 0) {
      const deadline = AbortSignal.any([ctx.signal, AbortSignal.timeout(args.wait_seconds * 1000)]);
      s = await waitForRun(ctx.app, started.id, {
        pollMs: 50,
        signal: deadline,
        onChange: (now) => {
          const done = now.steps.filter(
            (x) => !['PENDING', 'ENQUEUED', 'RUNNING', 'WAITING_FOR_RETRY'].includes(x.status),
          );
          void ctx.progress(
            done.length / now.steps.length,
            `${now.run.status}: ${done.length}/${now.steps.length} steps over`,
          );
        },
      });
    }
    const ended = runEnded(s.run.status);
    return { run: await view(ctx.app, s), created: started.created, ended };
  },
});

export const getWorkflowRunTool = defineTool({
  name: 'ratchet_get_workflow_run',
  title: 'Get a workflow run',
  description:
    'Reads a workflow run. Returns its status, output or error, each step’s state, attempts, output and error, the DAG as Mermaid, and optionally every state change.',
  input: z.object({
    run_id: runRef,
    include_transitions: z.boolean().default(false).describe('Add the state changes'),
  }),
  output: z.object({
    run: runView,
    transitions: z
      .array(
        z.object({
          step: z.string().nullable(),
          from: z.string().nullable(),
          to: z.string(),
          reason: z.string(),
          actor: z.string(),
          at: z.string(),
        }),
      )
      .optional(),
  }),
  annotations: READ_ONLY,
  access: 'read',
  example: { run_id: 1, include_transitions: true },
  async handler(args, ctx) {
    const run = await view(ctx.app, await runStatus(ctx.app, args.run_id));
    if (!args.include_transitions) return { run };
    const transitions = (await runTransitions(ctx.app, args.run_id)).map((t) => ({
      step: t.step,
      from: t.from,
      to: t.to,
      reason: t.reason,
      actor: t.actor,
      at: t.at,
    }));
    return { run, transitions };
  },
});

const stepAction = z.object({ run_id: runRef, step: stepName });

export const cancelWorkflowRunTool = defineTool({
  name: 'ratchet_cancel_workflow_run',
  title: 'Cancel a workflow run',
  description: 'Cancels a run, interrupting running steps. Returns the run.',
  input: z.object({ run_id: runRef }),
  output: z.object({ run: runView }),
  annotations: { ...CHANGES_STATE, destructiveHint: true },
  access: 'run',
  example: { run_id: 1 },
  async handler(args, ctx) {
    return {
      run: await view(ctx.app, await cancelWorkflowRun(ctx.app, args.run_id, `mcp:${ctx.principal.name}`)),
    };
  },
});

export const retryWorkflowStepTool = defineTool({
  name: 'ratchet_retry_workflow_step',
  title: 'Retry a failed workflow step',
  description:
    'Runs a FAILED step again (for_each: its failed items) with fresh attempts; the run resumes. Returns the run.',
  input: stepAction,
  output: z.object({ run: runView }),
  annotations: RUNS_TASKS,
  access: 'run',
  example: { run_id: 1, step: 'first' },
  async handler(args, ctx) {
    return {
      run: await view(
        ctx.app,
        await retryWorkflowStep(ctx.app, args.run_id, args.step, `mcp:${ctx.principal.name}`),
      ),
    };
  },
});

export const resolveWorkflowStepTool = defineTool({
  name: 'ratchet_resolve_workflow_step',
  title: 'Resolve a workflow step by hand',
  description:
    'Marks a step RESOLVED_MANUALLY with the output its dependents get; they then run. Returns the run.',
  input: stepAction.extend({
    output: z.unknown().optional().describe('Output its dependents get (default null)'),
  }),
  output: z.object({ run: runView }),
  annotations: CHANGES_STATE,
  access: 'run',
  example: { run_id: 1, step: 'second', output: { sum: 13, product: 30 } },
  async handler(args, ctx) {
    const s = await resolveWorkflowStep(
      ctx.app,
      args.run_id,
      args.step,
      args.output ?? null,
      `mcp:${ctx.principal.name}`,
    );
    return { run: await view(ctx.app, s) };
  },
});

export const workflowTools = [
  saveWorkflowTool,
  validateWorkflowTool,
  startWorkflowTool,
  getWorkflowRunTool,
  retryWorkflowStepTool,
  resolveWorkflowStepTool,
  cancelWorkflowRunTool,
];

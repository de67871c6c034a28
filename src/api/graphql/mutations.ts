// Mutation resolvers: one service call each, guarded by the access level REST gives the same action
// (run: execute, queue, cancel, retry, trigger; write: tasks, schedules, sync).
import type { Ratchet } from '../../app.ts';
import { executeNow } from '../../services/direct-execution.ts';
import { cancelExecution } from '../../services/executions.ts';
import {
  cancelJob,
  createJob,
  enqueueMany,
  retryJob,
  type BatchJobItem,
  type CreateJobRequest,
} from '../../services/jobs/index.ts';
import {
  createSchedule,
  deleteSchedule,
  triggerSchedule,
  updateSchedule,
  type ScheduleFields,
} from '../../services/schedules.ts';
import {
  createTaskFromBody,
  setTaskEnabledState,
  updateTaskFromBody,
  type TaskBody,
} from '../../services/tasks.ts';
import { syncAllRepositories } from '../../services/sources.ts';
import { syncOutcome } from '../../services/registry-service.ts';
import { assertMayDeliver } from '../rest/jobs.ts';
import { actorOf, guarded, type Resolver } from './context.ts';
import { badInput } from './errors.ts';
import { jobView, scheduleView, taskNode } from './views.ts';
import { workflowMutations } from './workflows.ts';
import { queueMutations } from './queue-admin.ts';

/** `input` of executeTaskDirect: a JSON value, or a string holding JSON (the brief's form). */
export function parseInput(value: unknown, where: string): unknown {
  if (typeof value !== 'string') return value ?? {};
  try {
    return JSON.parse(value) as unknown;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw badInput(`${where} is a string but not JSON (${why}); pass a JSON value or a string holding JSON`, {
      field: where,
    });
  }
}

/** Drops null arguments: GraphQL's "not given" and the services' "absent" are the same. */
function given<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as never;
}

function scheduleFields(input: Record<string, unknown>): ScheduleFields {
  const { missedRunPolicy, ...rest } = given(input);
  const out = rest as ScheduleFields;
  if (typeof missedRunPolicy === 'string') out.missedRunPolicy = missedRunPolicy.toLowerCase() as 'skip';
  return out;
}

function taskBody(input: Record<string, unknown>): TaskBody {
  // Explicit nulls for description/schemas mean "none", as in REST's JSON bodies.
  const body = given(input) as TaskBody;
  for (const k of ['description', 'inputSchema', 'outputSchema'] as const)
    if (input[k] === null) body[k] = null;
  return body;
}

export function mutationResolvers(app: Ratchet): Record<string, Resolver> {
  return {
    ...workflowMutations(app),
    ...queueMutations(app),
    executeTaskDirect: guarded<{
      taskUuid?: string;
      taskId?: string;
      input?: unknown;
      version?: string;
      timeoutMs?: number;
    }>('run', 'executeTaskDirect', async (args) => {
      const refs = [args.taskUuid, args.taskId].filter((v) => v !== undefined && v !== null);
      if (refs.length !== 1) throw badInput('executeTaskDirect: give taskUuid or taskId (one of them)');
      const e = await executeNow(app, {
        task: refs[0]!,
        input: parseInput(args.input, 'executeTaskDirect.input'),
        ...given({ version: args.version, timeoutMs: args.timeoutMs }),
      });
      return {
        success: e.status === 'COMPLETED',
        status: e.status,
        output: e.status === 'COMPLETED' ? e.output : null,
        executionId: e.id,
        uuid: e.uuid,
        error: e.error ?? null,
        durationMs: e.durationMs,
        logs: e.logs ?? [],
      };
    }),
    createJob: guarded<{ input: Record<string, unknown> }>('run', 'createJob', async ({ input }, ctx) => {
      const req = given(input) as unknown as CreateJobRequest;
      assertMayDeliver(ctx.principal.role, req.outputDestinations);
      return jobView((await createJob(app, req)).job);
    }),
    createJobs: guarded<{
      input: {
        taskId: string;
        version?: string | null;
        jobs: Record<string, unknown>[];
        partial?: boolean | null;
      };
    }>('run', 'createJobs', async ({ input }, ctx) => {
      const jobs = input.jobs.map((j) => given(j) as BatchJobItem);
      for (const j of jobs) assertMayDeliver(ctx.principal.role, j.outputDestinations);
      const result = await enqueueMany(app, {
        task: input.taskId,
        ...(input.version != null ? { version: input.version } : {}),
        jobs,
        partial: input.partial ?? false,
      });
      return {
        created: result.created,
        jobs: result.jobs.map(({ index, job, created }) => ({ index, id: job.id, uuid: job.uuid, created })),
        rejected: result.rejected,
      };
    }),
    cancelJob: guarded<{ id: string }>('run', 'cancelJob', async ({ id }) => {
      const out = await cancelJob(app, id);
      return { job: jobView(out.job), stopping: out.stopping };
    }),
    retryJob: guarded<{ id: string }>('run', 'retryJob', async ({ id }) => jobView(await retryJob(app, id))),
    cancelExecution: guarded<{ id: string }>('run', 'cancelExecution', async ({ id }) => {
      const out = await cancelExecution(app, id);
      return { execution: out.execution, job: out.job ? jobView(out.job) : null, stopping: out.stopping };
    }),
    createSchedule: guarded<{ input: Record<string, unknown> }>(
      'write',
      'createSchedule',
      async ({ input }) => {
        const { taskId, workflow, cronExpression, ...rest } = input as {
          taskId?: string;
          workflow?: string;
          cronExpression: string;
        };
        const target = taskId != null ? { task: taskId } : workflow != null ? { workflow } : {};
        return scheduleView(
          await createSchedule(app, { ...scheduleFields(rest), ...target, cronExpression }),
        );
      },
    ),
    updateSchedule: guarded<{ id: string; input: Record<string, unknown> }>(
      'write',
      'updateSchedule',
      async (a) => scheduleView(await updateSchedule(app, a.id, scheduleFields(a.input))),
    ),
    deleteSchedule: guarded<{ id: string }>('write', 'deleteSchedule', async ({ id }) =>
      scheduleView(await deleteSchedule(app, id)),
    ),
    triggerSchedule: guarded<{ id: string }>('run', 'triggerSchedule', async ({ id }) => {
      const { schedule, job, run } = await triggerSchedule(app, id);
      return {
        schedule: scheduleView(schedule),
        job: job ? jobView(job) : null,
        workflowRunId: run?.id ?? null,
      };
    }),
    enableTask: guarded<{ id: string }>('write', 'enableTask', async ({ id }) =>
      taskNode(await setTaskEnabledState(app, id, true)),
    ),
    disableTask: guarded<{ id: string }>('write', 'disableTask', async ({ id }) =>
      taskNode(await setTaskEnabledState(app, id, false)),
    ),
    createTask: guarded<{ input: Record<string, unknown> }>('write', 'createTask', async ({ input }, ctx) => {
      const t = await createTaskFromBody(app, taskBody(input), {
        changeSource: 'api',
        changedBy: actorOf(ctx),
      });
      return taskNode(t, t.version);
    }),
    updateTask: guarded<{ id: string; input: Record<string, unknown> }>(
      'write',
      'updateTask',
      async (a, ctx) => {
        const t = await updateTaskFromBody(app, a.id, taskBody(a.input), {
          changeSource: 'api',
          changedBy: actorOf(ctx),
        });
        return taskNode(t, t.version);
      },
    ),
    syncRepositories: guarded('write', 'syncRepositories', async () =>
      (await syncAllRepositories(app)).map(syncOutcome),
    ),
  };
}

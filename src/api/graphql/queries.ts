// Query resolvers: each one a service call and a view, with the access level REST gives the same
// read (`read`). Lists share list.ts, so filters, sorting and pages behave as REST's lists do.
import type { Ratchet } from '../../app.ts';
import { getTaskDetail, listTaskPage, listVersions } from '../../services/tasks.ts';
import { executionStats, getExecutionRecord, listExecutionPage } from '../../services/executions.ts';
import { getJobRecord, jobStats, listJobPage } from '../../services/jobs/index.ts';
import { listSchedulePage } from '../../services/schedules.ts';
import { listWorkerPage, workerStats } from '../../services/workers.ts';
import { taskCatalogStats } from '../../services/task-checks.ts';
import { systemHealth } from '../../services/health.ts';
import { JOB_PRIORITY } from '../../store/repos/jobs.ts';
import type { ListFilter } from '../../store/list-query.ts';
import { guard, type GqlContext } from './context.ts';
import { badInput } from './errors.ts';
import { listAnswer, listQuery, type ListArgs } from './list.ts';
import { jobView, scheduleView, taskNode, versionView } from './views.ts';
import { workflowQueries } from './workflows.ts';
import { queueQueries } from './queue-admin.ts';

/** `PENDING` is the brief's word for QUEUED; enum values arrive upper-case either way. */
export function jobStatus(value: string): string {
  const v = value.toUpperCase();
  return v === 'PENDING' ? 'QUEUED' : v;
}

/** `priority` filters on the stored number; names map onto it as in REST. */
function priorityValue(v: string): unknown {
  const key = v.toUpperCase() as keyof typeof JOB_PRIORITY;
  return key in JOB_PRIORITY ? JOB_PRIORITY[key] : v;
}

const upper = (v: string): string => v.toUpperCase();

type Args<T = object> = T & ListArgs;
type Resolver<A> = (root: unknown, args: A, ctx: GqlContext) => Promise<unknown>;

export function queryResolvers(app: Ratchet): Record<string, Resolver<never>> {
  const read = <A>(what: string, fn: (args: A) => Promise<unknown>): Resolver<A> => {
    return async (_root, args, ctx) => {
      guard(ctx, 'read', what);
      return fn(args);
    };
  };
  return {
    ...workflowQueries(app),
    ...queueQueries(app),
    tasks: read<Args>('tasks', async (args) => {
      const { query, offset, limit } = listQuery(args);
      return listAnswer(await listTaskPage(app, query), offset, limit, (t) => taskNode(t));
    }),
    task: read<{ id?: number; uuid?: string; name?: string; version?: string }>('task', async (args) => {
      const refs = [args.id, args.uuid, args.name].filter((v) => v !== undefined && v !== null);
      if (refs.length !== 1) throw badInput('task: give exactly one of id, uuid or name');
      const detail = await getTaskDetail(app, refs[0]!, args.version ?? undefined);
      return taskNode(detail, detail.version);
    }),
    versions: read<{ task: string }>('versions', async (args) =>
      (await listVersions(app, args.task)).map(versionView),
    ),
    executions: read<Args<{ status?: string; taskId?: string; jobId?: number }>>(
      'executions',
      async (args) => {
        const extra: ListFilter[] = [];
        if (args.status) extra.push({ field: 'status', op: 'eq', value: args.status });
        if (args.taskId) extra.push({ field: 'taskId', op: 'eq', value: args.taskId });
        if (args.jobId !== undefined && args.jobId !== null)
          extra.push({ field: 'jobId', op: 'eq', value: args.jobId });
        const { query, offset, limit } = listQuery(args, extra, { status: upper });
        return listAnswer(await listExecutionPage(app, query), offset, limit, (e) => e);
      },
    ),
    execution: read<{ id: string }>('execution', async (args) => getExecutionRecord(app, args.id)),
    jobs: read<Args<{ status?: string; taskId?: string }>>('jobs', async (args) => {
      const extra: ListFilter[] = [];
      if (args.status) extra.push({ field: 'status', op: 'eq', value: jobStatus(args.status) });
      if (args.taskId) extra.push({ field: 'taskId', op: 'eq', value: args.taskId });
      const { query, offset, limit } = listQuery(args, extra, { status: jobStatus, priority: priorityValue });
      return listAnswer(await listJobPage(app, query), offset, limit, jobView);
    }),
    job: read<{ id: string }>('job', async (args) => jobView(await getJobRecord(app, args.id))),
    schedules: read<Args>('schedules', async (args) => {
      const { query, offset, limit } = listQuery(args);
      return listAnswer(await listSchedulePage(app, query), offset, limit, scheduleView);
    }),
    workers: read<Args>('workers', async (args) => {
      const { query, offset, limit } = listQuery(args, [], { status: upper });
      return listAnswer(await listWorkerPage(app, query), offset, limit, (w) => w);
    }),
    stats: read('stats', async () => {
      const [tasks, executions, jobs, workers] = await Promise.all([
        taskCatalogStats(app),
        executionStats(app),
        jobStats(app),
        workerStats(app),
      ]);
      return { tasks, executions, jobs, workers };
    }),
    health: read('health', async () => {
      const h = await systemHealth(app);
      const { status, problems, database, ...details } = h;
      return { status, problems, database, details };
    }),
  };
}

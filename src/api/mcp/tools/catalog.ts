// What there is and how it performs: the task catalogue, a task's run figures, a benchmark, and the
// health of the whole system.
import { z } from 'zod';
import { benchmarkRuns } from '../../../services/benchmark.ts';
import { systemHealth as healthReport } from '../../../services/health.ts';
import { taskMetrics, type Percentiles } from '../../../services/task-metrics.ts';
import { getTaskDetail, listTaskPage, type TaskRecord } from '../../../services/tasks.ts';
import { ratchetVersion } from '../../../version.ts';
import { defineTool } from '../tool.ts';
import {
  READ_ONLY,
  RUNS_TASKS,
  pageFields,
  pageInfo,
  pageOf,
  snakeKeys,
  taskInput,
  taskRef,
} from './common.ts';
import { runNow, timeoutMs } from './execution.ts';

const SORT_FIELDS = {
  name: 'name',
  created_at: 'createdAt',
  updated_at: 'updatedAt',
  latest_version: 'latestVersion',
} as const;

const taskItem = z.object({
  id: z.number().int(),
  uuid: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  latest_version: z.string().nullable(),
  enabled: z.boolean(),
  available: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
  input_schema: z.unknown().optional(),
  output_schema: z.unknown().optional(),
});

function matches(t: TaskRecord, filter: string): boolean {
  const f = filter.toLowerCase();
  return t.name.toLowerCase().includes(f) || (t.description ?? '').toLowerCase().includes(f);
}

export const listAvailableTasks = defineTool({
  name: 'ratchet_list_available_tasks',
  title: 'List tasks',
  description:
    'Lists the tasks this server can run; start here. filter matches name or description; include_schemas adds their schemas. Returns a page of tasks and the pagination.',
  input: z.object({
    filter: z.string().max(200).optional().describe('Substring to look for in the name or description'),
    include_schemas: z.boolean().default(false).describe('Add input_schema and output_schema to each task'),
    ...pageFields,
    sort_by: z
      .enum(['name', 'created_at', 'updated_at', 'latest_version'])
      .default('name')
      .describe('Sort field'),
    sort_order: z.enum(['asc', 'desc']).default('asc').describe('Sort direction'),
  }),
  output: z.object({ tasks: z.array(taskItem), pagination: pageInfo }),
  annotations: READ_ONLY,
  access: 'read',
  example: { filter: 'add', include_schemas: true, limit: 10 },
  async handler(args, ctx) {
    const sort = { field: SORT_FIELDS[args.sort_by], order: args.sort_order };
    const offset = (args.page - 1) * args.limit;
    let rows: TaskRecord[];
    let total: number;
    if (args.filter) {
      // Name OR description: the list query ANDs its filters, so match the catalogue in memory.
      const all = (await listTaskPage(ctx.app, { sort, limit: 1000 })).rows.filter((t) =>
        matches(t, args.filter!),
      );
      total = all.length;
      rows = all.slice(offset, offset + args.limit);
    } else {
      ({ rows, total } = await listTaskPage(ctx.app, { sort, offset, limit: args.limit }));
    }
    const tasks = await Promise.all(
      rows.map(async (t) => {
        const item: z.input<typeof taskItem> = {
          id: t.id,
          uuid: t.uuid,
          name: t.name,
          description: t.description,
          latest_version: t.latestVersion,
          enabled: t.enabled,
          available: t.available,
          created_at: t.createdAt,
          updated_at: t.updatedAt,
        };
        if (args.include_schemas) {
          const v = (await getTaskDetail(ctx.app, t.id)).version;
          item.input_schema = v?.inputSchema ?? null;
          item.output_schema = v?.outputSchema ?? null;
        }
        return item;
      }),
    );
    return { tasks, pagination: pageOf(args.page, args.limit, total) };
  },
});

const percentileView = z.object({
  count: z.number().int(),
  min_ms: z.number().nullable(),
  p50_ms: z.number().nullable(),
  p90_ms: z.number().nullable(),
  p99_ms: z.number().nullable(),
  max_ms: z.number().nullable(),
  mean_ms: z.number().nullable(),
});

function pView(p: Percentiles): z.input<typeof percentileView> {
  return {
    count: p.count,
    min_ms: p.minMs,
    p50_ms: p.p50Ms,
    p90_ms: p.p90Ms,
    p99_ms: p.p99Ms,
    max_ms: p.maxMs,
    mean_ms: p.meanMs,
  };
}

export const getTaskMetrics = defineTool({
  name: 'ratchet_get_task_metrics',
  title: 'Task metrics',
  description:
    'Run figures of one task: runs by status, success rate, duration percentiles over the last `window` runs, frequent errors. Returns them.',
  input: z.object({
    task_id: taskRef,
    window: z
      .number()
      .int()
      .min(1)
      .max(100000)
      .default(1000)
      .describe('How many recent finished runs the percentiles cover'),
  }),
  output: z.object({
    task: z.string(),
    task_id: z.number().int(),
    versions: z.number().int(),
    runs: z.number().int().describe('All executions of the task'),
    failures: z.number().int(),
    executions_by_status: z.record(z.string(), z.number()),
    success_rate: z.number().nullable().describe('COMPLETED / (COMPLETED + FAILED), 0–1'),
    last_execution_at: z.string().nullable(),
    jobs_by_status: z.record(z.string(), z.number()),
    durations: percentileView,
    recent_errors: z.array(z.object({ type: z.string(), count: z.number().int() })),
  }),
  annotations: READ_ONLY,
  access: 'read',
  example: { task_id: 'addition' },
  async handler(args, ctx) {
    const m = await taskMetrics(ctx.app, args.task_id, args.window);
    return {
      task: m.name,
      task_id: m.taskId,
      versions: m.versions,
      runs: m.executions.total,
      failures: m.executions.byStatus.FAILED,
      executions_by_status: m.executions.byStatus,
      success_rate: m.executions.successRate,
      last_execution_at: m.executions.lastExecutionAt,
      jobs_by_status: m.jobs.byStatus,
      durations: pView(m.recentDurations),
      recent_errors: m.recentErrors,
    };
  },
});

export const benchmarkTask = defineTool({
  name: 'ratchet_benchmark_task',
  title: 'Benchmark a task',
  description:
    'Runs a task `runs` times with one input (`concurrency` at once), each a real recorded run. Returns completed and failed counts, latency percentiles, runs_per_second and the first error.',
  input: z.object({
    task_id: taskRef,
    input: taskInput,
    version: z.string().optional().describe('Version to benchmark (default latest)'),
    runs: z.number().int().min(1).max(200).default(10).describe('How many runs'),
    concurrency: z.number().int().min(1).max(16).default(1).describe('Runs at once'),
    timeout: z.number().positive().optional().describe('Time limit per run, seconds'),
  }),
  output: z.object({
    task: z.string(),
    runs: z.number().int(),
    completed: z.number().int(),
    failed: z.number().int(),
    execution_ms: percentileView.describe('Execution durations as recorded'),
    round_trip_ms: percentileView.describe('Wall time per run as seen by the server, thread wait included'),
    runs_per_second: z.number(),
    first_error: z
      .object({ execution_id: z.number().int(), type: z.string(), message: z.string() })
      .nullable(),
  }),
  annotations: RUNS_TASKS,
  access: 'run',
  example: { task_id: 'addition', input: { num1: 1, num2: 2 }, runs: 5 },
  async handler(args, ctx) {
    const limit = timeoutMs(ctx.app, args.timeout);
    const report = await benchmarkRuns({
      runs: args.runs,
      concurrency: args.concurrency,
      signal: ctx.signal,
      run: () =>
        runNow(ctx, {
          task: args.task_id,
          version: args.version,
          input: args.input,
          timeoutMs: limit,
          progress: false,
        }),
      onRun: (done) => ctx.progress(done / args.runs, `${done}/${args.runs} runs`),
    });
    const e = report.firstError;
    return {
      task: args.task_id,
      runs: report.runs,
      completed: report.completed,
      failed: report.failed,
      execution_ms: pView(report.executionMs),
      round_trip_ms: pView(report.roundTripMs),
      runs_per_second: report.runsPerSecond,
      // Every run here is a recorded execution (runNow), so its id is always there.
      first_error: e && { execution_id: e.executionId!, type: e.type, message: e.message },
    };
  },
});

const startedAt = Date.now();

export const systemHealth = defineTool({
  name: 'ratchet_system_health',
  title: 'System health',
  description:
    'The state of this installation: database, tasks, queue, workers, executions, schedules. Returns status (ok or degraded), the problems and one section per area.',
  input: z.object({}),
  output: z.object({
    status: z.enum(['ok', 'degraded']),
    problems: z.array(z.string()),
    version: z.string(),
    uptime_seconds: z.number(),
    database: z.object({ ok: z.boolean(), dialect: z.string(), latency_ms: z.number() }),
    tasks: z.record(z.string(), z.unknown()),
    jobs: z.record(z.string(), z.unknown()),
    workers: z.record(z.string(), z.unknown()),
    executions: z.record(z.string(), z.unknown()),
    schedules: z.record(z.string(), z.unknown()),
  }),
  annotations: READ_ONLY,
  access: 'read',
  example: {},
  async handler(_args, ctx) {
    const h = await healthReport(ctx.app);
    return {
      status: h.status,
      problems: h.problems,
      version: ratchetVersion(),
      uptime_seconds: Math.round((Date.now() - startedAt) / 1000),
      database: { ok: h.database.ok, dialect: h.database.dialect, latency_ms: h.database.latencyMs },
      // The sections are the service's report; its camelCase keys become snake_case here.
      tasks: snakeKeys(h.tasks) as Record<string, unknown>,
      jobs: snakeKeys(h.jobs) as Record<string, unknown>,
      workers: snakeKeys(h.workers) as Record<string, unknown>,
      executions: snakeKeys(h.executions) as Record<string, unknown>,
      schedules: snakeKeys(h.schedules) as Record<string, unknown>,
    };
  },
});

export const catalogTools = [listAvailableTasks, getTaskMetrics, benchmarkTask, systemHealth];

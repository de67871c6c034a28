// The in-process client: the same services the REST routes call, with the REST views applied, so
// its answers have the API's shapes. Errors are mapped the way the API maps them.
import type { RatchetApp } from '../app.ts';
import { mapError } from '../server/errors.ts';
import { parseListParams, upper } from '../api/rest/list-params.ts';
import {
  executionSummaryView,
  executionView,
  jobView,
  repositoryView,
  scheduleView,
  taskDetailView,
  taskView,
  versionView,
} from '../api/rest/models.ts';
import { getTaskDetail, listTaskPage, listVersions, setTaskEnabledState } from '../services/tasks.ts';
import {
  executionLogs,
  executionStats,
  getExecutionRecord,
  listExecutionPage,
} from '../services/executions.ts';
import {
  cancelJob,
  createJob,
  getJobRecord,
  jobStats,
  listJobPage,
  retryJob,
} from '../services/jobs/index.ts';
import {
  disableSchedule,
  enableSchedule,
  getSchedule,
  listSchedulePage,
  scheduleStats,
  triggerSchedule,
} from '../services/schedules.ts';
import { getWorkerRecord, listWorkerPage, workerStats } from '../services/workers.ts';
import {
  getRepository,
  listRepositoryPage,
  syncAllRepositories,
  syncRepository,
} from '../services/sources.ts';
import { taskCatalogStats, testStoredTask } from '../services/task-checks.ts';
import { cancelDirectExecution, executeNow } from '../services/direct-execution.ts';
import { syncOutcome } from '../services/registry-service.ts';
import { databaseStats, databaseStatus, migrateDatabase } from '../services/database.ts';
import { clearJobs, pauseQueue, queueState, resumeQueue } from '../services/queue-control.ts';
import { queueStats } from '../services/queue-stats.ts';
import { localHealth } from './local-health.ts';
import { monitorSnapshot } from '../services/monitor.ts';
import { addRepository, verifyRepositories } from '../services/repository-admin.ts';
import {
  ClientError,
  type ConsoleClient,
  type DbStatus,
  type ListPage,
  type Resource,
  type StatsKind,
} from './client.ts';

type Row = Record<string, unknown>;

/** Who paused or resumed the queue, as the audit trail and `server status` show it. */
const CONSOLE_ACTOR = 'console (local)';

export class LocalClient implements ConsoleClient {
  readonly where = 'local';
  /** Ctrl-C: the console stops waiting at once (a running task execution is cancelled too). */
  signal: AbortSignal | undefined;
  private readonly app: RatchetApp;
  /** Settles when the start-up sync of the task sources ended (commands wait for it). */
  private readonly ready: Promise<void>;
  constructor(app: RatchetApp, ready: Promise<unknown> = Promise.resolve()) {
    this.app = app;
    this.ready = ready.then(
      () => undefined,
      () => undefined,
    );
  }

  /** Runs fn until it settles or Ctrl-C aborts the signal (then the command ends as cancelled). */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    const signal = this.signal;
    const run = () => this.ready.then(fn);
    try {
      if (!signal) return await run();
      if (signal.aborted) throw new ClientError('cancelled', 0, 'CANCELLED');
      let onAbort!: () => void;
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(new ClientError('cancelled', 0, 'CANCELLED'));
        signal.addEventListener('abort', onAbort, { once: true });
      });
      const work = run();
      work.catch(() => undefined);
      try {
        return await Promise.race([work, aborted]);
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    } catch (err) {
      if (err instanceof ClientError) throw err;
      const m = mapError(err);
      if (m === undefined) throw err;
      const fields = (m.details?.fields as { path: string; message: string }[] | undefined) ?? [];
      const detail = fields.map((f) => `\n  ${f.path}: ${f.message}`).join('');
      throw new ClientError(`${m.message}${detail}`, m.status, m.code);
    }
  }

  list(resource: Resource, query: Record<string, string> = {}): Promise<ListPage> {
    return this.call(async () => {
      const status = resource === 'repositories' ? {} : { values: { status: upper } };
      const params = parseListParams(query, status);
      const app = this.app;
      const page = async <T>(
        r: { rows: T[]; total: number },
        view: (row: T) => unknown,
      ): Promise<ListPage> => ({
        data: r.rows.map(view) as Row[],
        meta: {
          total: r.total,
          start: params.page.start,
          end: params.page.start + r.rows.length,
          limit: params.page.limit,
        },
      });
      switch (resource) {
        case 'tasks':
          return page(await listTaskPage(app, params.query), taskView);
        case 'executions':
          return page(await listExecutionPage(app, params.query), executionSummaryView);
        case 'jobs':
          return page(await listJobPage(app, params.query), jobView);
        case 'schedules':
          return page(await listSchedulePage(app, params.query), scheduleView);
        case 'workers':
          return page(await listWorkerPage(app, params.query), (w) => w);
        case 'repositories':
          return page(await listRepositoryPage(app, params.query), repositoryView);
      }
    });
  }

  get(resource: Resource, id: string): Promise<Row> {
    return this.call(async () => {
      const app = this.app;
      switch (resource) {
        case 'tasks':
          return taskDetailView(await getTaskDetail(app, id));
        case 'executions':
          return executionView(await getExecutionRecord(app, id)) as unknown as Row;
        case 'jobs':
          return jobView(await getJobRecord(app, id));
        case 'schedules':
          return scheduleView(await getSchedule(app, id));
        case 'workers':
          return (await getWorkerRecord(app, id)) as unknown as Row;
        case 'repositories':
          return repositoryView(await getRepository(app, id));
      }
    });
  }

  taskVersions(id: string): Promise<Row[]> {
    return this.call(async () => (await listVersions(this.app, id)).map(versionView) as Row[]);
  }
  setTaskEnabled(id: string, enabled: boolean): Promise<Row> {
    return this.call(
      async () => taskView(await setTaskEnabledState(this.app, id, enabled)) as unknown as Row,
    );
  }
  executeTask(id: string, input: unknown): Promise<Row> {
    return this.call(async () => {
      const signal = this.signal;
      const e = await executeNow(this.app, {
        task: id,
        input,
        // Ctrl-C cancels the run itself, not only the wait for it.
        onStarted: signal
          ? (row) => {
              // Deferred: the run is handed to its thread just after this call returns.
              const stop = () => void setImmediate(() => cancelDirectExecution(this.app, row.id));
              if (signal.aborted) stop();
              else signal.addEventListener('abort', stop, { once: true });
            }
          : undefined,
      });
      return {
        executionId: e.id,
        uuid: e.uuid,
        status: e.status,
        ...(e.status === 'COMPLETED' ? { output: e.output } : { error: e.error ?? undefined }),
        durationMs: e.durationMs,
        logs: e.logs ?? [],
        taskId: e.taskId,
        taskVersionId: e.taskVersionId,
      };
    });
  }
  testTask(id: string): Promise<Row> {
    return this.call(async () => {
      const report = await testStoredTask(this.app, id, {});
      return { ok: report.failed + report.errors === 0, ...report };
    });
  }
  executionLogs(id: string): Promise<Row> {
    return this.call(async () => (await executionLogs(this.app, id)) as unknown as Row);
  }
  enqueueJob(task: string, input: unknown): Promise<Row> {
    return this.call(async () => jobView((await createJob(this.app, { taskId: task, input })).job) as Row);
  }
  cancelJob(id: string): Promise<Row> {
    return this.call(async () => {
      const out = await cancelJob(this.app, id);
      return { job: jobView(out.job), stopping: out.stopping };
    });
  }
  retryJob(id: string): Promise<Row> {
    return this.call(async () => jobView(await retryJob(this.app, id)) as Row);
  }
  setScheduleEnabled(id: string, enabled: boolean): Promise<Row> {
    return this.call(
      async () =>
        scheduleView(
          enabled ? await enableSchedule(this.app, id) : await disableSchedule(this.app, id),
        ) as Row,
    );
  }
  triggerSchedule(id: string): Promise<Row> {
    return this.call(async () => {
      const { schedule, job, run } = await triggerSchedule(this.app, id);
      return { schedule: scheduleView(schedule), job: job ? jobView(job) : null, workflowRun: run ?? null };
    });
  }
  addRepository(name: string, uri: string): Promise<Row> {
    return this.call(async () => syncOutcome(await addRepository(this.app, { name, uri })));
  }
  verifyRepositories(name?: string): Promise<Row[]> {
    return this.call(async () => (await verifyRepositories(this.app, name)) as unknown as Row[]);
  }
  syncRepositories(name?: string): Promise<Row[]> {
    return this.call(async () =>
      name === undefined
        ? (await syncAllRepositories(this.app)).map(syncOutcome)
        : [syncOutcome(await syncRepository(this.app, name))],
    );
  }
  stats(kind: StatsKind): Promise<Row> {
    return this.call(async () => {
      const app = this.app;
      switch (kind) {
        case 'tasks':
          return (await taskCatalogStats(app)) as unknown as Row;
        case 'executions':
          return (await executionStats(app)) as unknown as Row;
        case 'jobs':
          return (await jobStats(app)) as unknown as Row;
        case 'schedules':
          return (await scheduleStats(app)) as unknown as Row;
        case 'workers':
          return (await workerStats(app)) as unknown as Row;
      }
    });
  }
  /** The fields of GET /health/detailed that do not depend on a running server. */
  health(): Promise<Row> {
    return this.call(() => localHealth(this.app));
  }
  queue(): Promise<Row> {
    return this.call(async () => {
      const [state, stats] = await Promise.all([queueState(this.app), queueStats(this.app.store.db)]);
      return { ...state, depth: stats.byStatus, oldestQueuedAgeSeconds: stats.oldestQueuedAgeSeconds };
    });
  }
  setQueuePaused(paused: boolean): Promise<Row> {
    return this.call(
      async () => (await (paused ? pauseQueue : resumeQueue)(this.app, CONSOLE_ACTOR)) as unknown as Row,
    );
  }
  clearJobs(opts: { status?: string; olderThan?: string }): Promise<Row> {
    return this.call(async () => (await clearJobs(this.app, opts)) as unknown as Row);
  }
  monitor(): Promise<Row> {
    return this.call(async () => (await monitorSnapshot(this.app)) as unknown as Row);
  }
  dbStatus(): Promise<DbStatus> {
    return this.call(() => databaseStatus(this.app));
  }
  dbMigrate(): Promise<string[]> {
    return this.call(() => migrateDatabase(this.app));
  }
  dbStats(): Promise<Row> {
    return this.call(async () => (await databaseStats(this.app)) as unknown as Row);
  }
  async close(): Promise<void> {
    await this.ready;
    await this.app.close();
  }
}

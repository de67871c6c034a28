// The resource commands of the console (repo, task, execution, job, schedule, server, health,
// stats, db). Each one calls the ConsoleClient and prints a table, or the raw result with --json.
import { ClientError, type ConsoleClient, type Resource } from './client.ts';
import { ConsoleUsageError, parseArgs, parseJsonArg, type Args } from './args.ts';
import { json, keyValues, table, type Output } from './format.ts';
import { DB_COMMANDS } from './commands-db.ts';
import { QUEUE_COMMANDS, printQueue } from './commands-queue.ts';
import { MONITOR } from './monitor.ts';
import { REPO_ADMIN } from './commands-repo.ts';

export interface CommandContext {
  client: ConsoleClient;
  out: Output;
  /** Asks for a task's input field by field (interactive sessions only). */
  promptInput?: (schema: unknown) => Promise<unknown>;
  /** Runs a full-screen view redrawn every intervalMs until q or Ctrl-C (interactive only). */
  live?: LiveView;
}

export type LiveView = (
  draw: (columns: number, rows: number) => Promise<string[]>,
  intervalMs: number,
) => Promise<void>;

export interface Sub {
  usage: string;
  summary: string;
  /** Flags that take a value (without the leading --). */
  flags?: readonly string[];
  /** Fixed number of positionals (ids, names). */
  arity?: number;
  run(a: Args, c: CommandContext): Promise<void>;
}

type Row = Record<string, unknown>;

const TASK_COLS = ['id', 'name', 'latestVersion', 'enabled', 'available', 'description'];
const EXEC_COLS = ['id', 'jobId', 'taskId', 'status', 'attempt', 'durationMs', 'startedAt'];
const JOB_COLS = ['id', 'taskId', 'status', 'priority', 'attempts', 'scheduledFor'];
const SCHEDULE_COLS = ['id', 'name', 'cronExpression', 'enabled', 'nextRunAt', 'taskId'];
const REPO_COLS = ['name', 'kind', 'uri', 'tasks', 'available', 'lastSyncedAt', 'lastError'];
const WORKER_COLS = ['id', 'hostname', 'status', 'capacity', 'runningJobs', 'lastHeartbeatAt'];

function show(c: CommandContext, a: Args, value: unknown, print: () => void): void {
  if (a.json) json(c.out, value);
  else print();
}

async function listCmd(resource: Resource, cols: string[], a: Args, c: CommandContext): Promise<void> {
  const q: Record<string, string> = {};
  if (a.opts.limit !== undefined) {
    if (!/^\d+$/.test(a.opts.limit)) throw new Error(`--limit must be a whole number, not ${a.opts.limit}`);
    q.limit = a.opts.limit;
  }
  if (a.opts.status !== undefined) q.status = a.opts.status;
  if (a.opts.since !== undefined) {
    const t = Date.parse(a.opts.since);
    if (Number.isNaN(t))
      throw new Error(`--since must be a date (2026-01-31 or an ISO time), not ${a.opts.since}`);
    q.createdAt_gte = new Date(t).toISOString();
  }
  const page = await c.client.list(resource, q);
  show(c, a, page, () => {
    table(c.out, page.data, cols);
    if (page.meta.total > page.data.length)
      c.out.write(`(${page.data.length} of ${page.meta.total}; --limit N for more)\n`);
  });
}

const list = (
  resource: Resource,
  cols: string[],
  what: string,
  flags: string[] = ['limit', 'status'],
): Sub => ({
  usage: `${resource === 'repositories' ? 'repo' : resource.replace(/s$/, '')} list${flags.map((f) => ` [--${f} ${f.toUpperCase()}]`).join('')}`,
  summary: `list ${what}`,
  flags,
  arity: 0,
  run: (a, c) => listCmd(resource, cols, a, c),
});

const getOne = (resource: Resource, noun: string): Sub => ({
  usage: `${noun} show ID`,
  summary: `show one ${noun}`,
  arity: 1,
  run: async (a, c) => {
    const v = await c.client.get(resource, a.pos[0]!);
    show(c, a, v, () => keyValues(c.out, v));
  },
});

const action = (usage: string, summary: string, fn: (c: ConsoleClient, id: string) => Promise<Row>): Sub => ({
  usage,
  summary,
  arity: 1,
  run: async (a, c) => {
    const v = await fn(c.client, a.pos[0]!);
    show(c, a, v, () => keyValues(c.out, (v.job ?? v.schedule ?? v) as Row));
  },
});

function input(a: Args): unknown {
  return a.opts.input === undefined ? undefined : parseJsonArg(a.opts.input, '--input');
}

export const COMMANDS: Record<string, Record<string, Sub>> = {
  repo: {
    list: list('repositories', REPO_COLS, 'task sources', []),
    ...REPO_ADMIN,
    status: list('repositories', REPO_COLS, 'task sources with their sync state and last error', []),
    refresh: {
      usage: 'repo refresh [NAME]',
      summary: 'sync one task source, or all of them, now',
      run: async (a, c) => {
        const results = await c.client.syncRepositories(a.pos[0]);
        show(c, a, results, () => table(c.out, results, ['source', 'kind', 'ok', 'error']));
      },
    },
  },
  task: {
    list: list('tasks', TASK_COLS, 'tasks', ['limit']),
    show: getOne('tasks', 'task'),
    execute: {
      usage: 'task execute ID [--input JSON]',
      summary: 'run a task now and print its result (asks for the input fields when --input is absent)',
      flags: ['input'],
      arity: 1,
      run: async (a, c) => {
        let value = input(a);
        if (value === undefined && c.promptInput) {
          const task = await c.client.get('tasks', a.pos[0]!);
          value = await c.promptInput((task.version as Row | null)?.inputSchema);
        }
        const r = await c.client.executeTask(a.pos[0]!, value);
        show(c, a, r, () =>
          keyValues(c.out, r, [
            'executionId',
            'status',
            r.status === 'COMPLETED' ? 'output' : 'error',
            'durationMs',
          ]),
        );
      },
    },
    enable: action('task enable ID', 'enable a task', (c, id) => c.setTaskEnabled(id, true)),
    disable: action('task disable ID', 'disable a task (it cannot be run or queued)', (c, id) =>
      c.setTaskEnabled(id, false),
    ),
    versions: {
      usage: 'task versions ID',
      summary: "list a task's versions",
      arity: 1,
      run: async (a, c) => {
        const v = await c.client.taskVersions(a.pos[0]!);
        show(c, a, v, () => table(c.out, v, ['id', 'version', 'createdAt']));
      },
    },
    test: {
      usage: 'task test ID',
      summary: "run the task's stored test cases",
      arity: 1,
      run: async (a, c) => {
        const r = await c.client.testTask(a.pos[0]!);
        show(c, a, r, () => keyValues(c.out, r, ['ok', 'passed', 'failed', 'errors']));
        if (!r.ok) throw new Error(`tests of ${a.pos[0]} failed`);
      },
    },
  },
  execution: {
    list: list('executions', EXEC_COLS, 'executions (newest first)', ['limit', 'since', 'status']),
    show: getOne('executions', 'execution'),
    logs: {
      usage: 'execution logs ID',
      summary: 'print the console lines an execution wrote',
      arity: 1,
      run: async (a, c) => {
        const r = await c.client.executionLogs(a.pos[0]!);
        show(c, a, r, () => {
          for (const l of r.logs as Row[])
            c.out.write(`${String(l.level ?? 'log').padEnd(5)} ${String(l.message ?? JSON.stringify(l))}\n`);
          if ((r.logs as Row[]).length === 0) c.out.write('(no log lines)\n');
        });
      },
    },
  },
  job: {
    list: list('jobs', JOB_COLS, 'jobs (newest first)'),
    show: getOne('jobs', 'job'),
    enqueue: {
      usage: 'job enqueue TASK [--input JSON]',
      summary: 'queue a job for a task',
      flags: ['input'],
      arity: 1,
      run: async (a, c) => {
        const r = await c.client.enqueueJob(a.pos[0]!, input(a));
        show(c, a, r, () =>
          keyValues(c.out, r, ['id', 'uuid', 'taskId', 'status', 'priority', 'scheduledFor']),
        );
      },
    },
    cancel: action('job cancel ID', 'cancel a queued or running job', (c, id) => c.cancelJob(id)),
    retry: action('job retry ID', 'queue a failed or cancelled job again', (c, id) => c.retryJob(id)),
    ...QUEUE_COMMANDS,
  },
  schedule: {
    list: list('schedules', SCHEDULE_COLS, 'schedules', ['limit']),
    show: getOne('schedules', 'schedule'),
    trigger: action('schedule trigger ID', 'queue a run now, outside the cadence', (c, id) =>
      c.triggerSchedule(id),
    ),
    enable: action('schedule enable ID', 'enable a schedule', (c, id) => c.setScheduleEnabled(id, true)),
    disable: action('schedule disable ID', 'disable a schedule', (c, id) => c.setScheduleEnabled(id, false)),
  },
  server: {
    status: {
      usage: 'server status',
      summary: 'server health: database, registry, workers, queue (paused or claiming) and depth',
      arity: 0,
      run: async (a, c) => {
        const h = await c.client.health();
        show(c, a, h, () => {
          keyValues(c.out, h, ['status', 'version', 'database', 'workers']);
          printQueue(c, h.queue as Row | undefined);
        });
      },
    },
    workers: list('workers', WORKER_COLS, 'worker nodes', ['limit', 'status']),
    metrics: {
      usage: 'server metrics',
      summary: 'job, execution and worker figures',
      arity: 0,
      run: async (a, c) => {
        const [jobs, executions, workers] = await Promise.all(
          (['jobs', 'executions', 'workers'] as const).map((k) => c.client.stats(k)),
        );
        const all = { jobs: jobs!, executions: executions!, workers: workers! };
        show(c, a, all, () => {
          for (const [k, v] of Object.entries(all)) {
            c.out.write(`${k}\n`);
            keyValues(c.out, v);
          }
        });
      },
    },
  },
  db: DB_COMMANDS,
};

/** One-word commands. */
export const SINGLE: Record<string, Sub> = {
  health: {
    usage: 'health',
    summary: 'quick health check (fails when the server or database is not ok)',
    arity: 0,
    run: async (a, c) => {
      const h = await c.client.health();
      show(c, a, h, () => c.out.write(`${String(h.status)} (${c.client.where})\n`));
      if (h.status === 'error') throw new ClientError('health check failed', 503, 'UNHEALTHY');
    },
  },
  monitor: MONITOR,
  stats: {
    usage: 'stats',
    summary: 'task, job, execution, schedule and worker totals',
    arity: 0,
    run: async (a, c) => {
      const kinds = ['tasks', 'jobs', 'executions', 'schedules', 'workers'] as const;
      const values = await Promise.all(kinds.map((k) => c.client.stats(k)));
      const all = Object.fromEntries(kinds.map((k, i) => [k, values[i]]));
      show(c, a, all, () => {
        for (const [k, v] of Object.entries(all)) {
          c.out.write(`${k}\n`);
          keyValues(c.out, v as Row);
        }
      });
    },
  },
};

/** Runs a resource command; throws ConsoleUsageError for a wrong subcommand or arguments. */
export async function runResource(words: string[], c: CommandContext): Promise<void> {
  const [name, subName, ...rest] = words;
  const single = SINGLE[name!];
  const subs = COMMANDS[name!]!;
  const sub = single ?? subs[subName ?? ''];
  if (!sub) {
    const usage = Object.values(subs)
      .map((s) => `  ${s.usage}`)
      .join('\n');
    const what =
      subName === undefined ? `${name} needs a subcommand` : `${name} has no subcommand '${subName}'`;
    throw new ConsoleUsageError(what, usage);
  }
  const a = parseArgs(single ? words.slice(1) : rest, sub.flags ?? [], sub.usage);
  if (sub.arity !== undefined && a.pos.length !== sub.arity)
    throw new ConsoleUsageError(`wrong number of arguments`, sub.usage);
  await sub.run(a, c);
}

// The health of an installation, for every face: whether the database answers (and how fast), and
// the overall report (tasks, jobs, workers, executions, schedules) with the problems a user should
// act on. The REST probes (/ready, /health/detailed) and the MCP tool read it from here.
import { sql } from 'kysely';
import type { Ratchet } from './context.ts';
import { executionStats } from './executions.ts';
import { jobStats } from './jobs/index.ts';
import { scheduleStats } from './schedules.ts';
import { taskCatalogStats } from './task-checks.ts';
import { workerStats } from './workers.ts';

export interface DatabasePing {
  ok: boolean;
  latencyMs: number;
  error?: string;
  /** What the failed ping threw. */
  cause?: unknown;
}

/** `select 1`, optionally given up after timeoutMs. */
export async function pingDatabase(app: Ratchet, timeoutMs?: number): Promise<DatabasePing> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const ping = sql`select 1`.execute(app.store.db);
    if (timeoutMs === undefined) await ping;
    else {
      ping.catch(() => undefined);
      await Promise.race([
        ping,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    }
    return { ok: true, latencyMs: Math.round((performance.now() - t0) * 100) / 100 };
  } catch (err) {
    return {
      ok: false,
      latencyMs: Math.round(performance.now() - t0),
      error: (err as Error).message,
      cause: err,
    };
  } finally {
    clearTimeout(timer);
  }
}

export interface SystemHealth {
  status: 'ok' | 'degraded';
  problems: string[];
  database: { ok: boolean; dialect: string; latencyMs: number };
  tasks: Awaited<ReturnType<typeof taskCatalogStats>>;
  jobs: Awaited<ReturnType<typeof jobStats>>;
  workers: Awaited<ReturnType<typeof workerStats>>;
  executions: Awaited<ReturnType<typeof executionStats>>;
  schedules: Awaited<ReturnType<typeof scheduleStats>>;
}

/** How long the oldest runnable job may wait before it counts as a problem. */
const STUCK_QUEUE_SECONDS = 300;

/** The whole picture; throws (database unavailable) when the database does not answer. */
export async function systemHealth(app: Ratchet): Promise<SystemHealth> {
  const db = await pingDatabase(app);
  if (!db.ok) throw db.cause;
  const [tasks, jobs, workers, executions, schedules] = await Promise.all([
    taskCatalogStats(app),
    jobStats(app),
    workerStats(app),
    executionStats(app),
    scheduleStats(app),
  ]);
  const problems: string[] = [];
  if (workers.online === 0 && jobs.due > 0) {
    problems.push(
      `${jobs.due} job(s) are due but no worker is online (start ratchet serve or ratchet worker)`,
    );
  }
  if (jobs.oldestQueuedAgeSeconds > STUCK_QUEUE_SECONDS) {
    problems.push(`the oldest runnable job has waited ${jobs.oldestQueuedAgeSeconds} s`);
  }
  if (tasks.unavailable > 0)
    problems.push(`${tasks.unavailable} task(s) are unavailable (their source no longer has them)`);
  return {
    status: problems.length === 0 ? 'ok' : 'degraded',
    problems,
    database: { ok: true, dialect: app.store.dialect, latencyMs: db.latencyMs },
    tasks,
    jobs,
    workers,
    executions,
    schedules,
  };
}

// Test support for the scheduler and delivery: a full application (createRatchet) on a fresh,
// migrated SQLite file or PostgreSQL database, plus a stored task that jobs can be queued for.
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createRatchet } from '../../app.ts';
import type { Ratchet } from '../../app.ts';
import { ConfigSchema } from '../../config/schema.ts';
import { openDatabase } from '../../store/database.ts';
import type { Dialect } from '../../store/database.ts';
import { migrateToLatest } from '../../store/migrate.ts';
import { savePackage } from '../../tasks/stored-versions.ts';
import { loadTask } from '../../tasks/load.ts';
import { finishExecution, insertExecution } from '../../store/repos/executions.ts';
import type { ExecutionRecord } from '../../store/repos/executions.ts';
import type { JobRecord } from '../../store/repos/jobs.ts';
import { createTask, getTask, saveTaskVersion } from '../../store/repos/tasks.ts';
import { enqueueJob } from '../jobs/index.ts';
import { DIALECTS, createTempDatabase } from '../../store/test-helpers/backends.ts';

export async function withApp(dialect: Dialect, fn: (app: Ratchet) => Promise<void>): Promise<void> {
  const temp = await createTempDatabase(dialect);
  try {
    const app = await createRatchet(ConfigSchema.parse({ server: { database: { url: temp.url } } }));
    try {
      await fn(app);
    } finally {
      await app.close();
    }
  } finally {
    await temp.drop();
  }
}

/** Registers `name [sqlite]` and `name [postgres]`, each with its own application and database. */
export function forEachApp(name: string, fn: (app: Ratchet, dialect: Dialect) => Promise<void>): void {
  for (const dialect of DIALECTS)
    void test(`${name} [${dialect}]`, () => withApp(dialect, (app) => fn(app, dialect)));
}

/** Stores a runnable task (doubles `n`); returns its id. */
export async function seedRunnableTask(app: Ratchet, name: string): Promise<number> {
  const task = await createTask(app.store.db, { name });
  await saveTaskVersion(app.store.db, {
    taskId: task.id,
    version: '1.0.0',
    code: '(input) => ({ doubled: (input.n ?? 0) * 2 })',
    metadata: { name, version: '1.0.0', description: 'test task' },
    checksum: `${name}-1.0.0`,
    changeSource: 'cli',
  });
  return task.id;
}

/** A job of the task with one finished execution, as a worker would leave it. */
export async function finishedJob(
  app: Ratchet,
  task: string,
  result: { output?: unknown; status?: 'COMPLETED' | 'FAILED'; destinations?: unknown[] },
): Promise<{ job: JobRecord; execution: ExecutionRecord }> {
  const { job } = await enqueueJob(app, { task, input: { n: 21 }, outputDestinations: result.destinations });
  const found = await getTask(app.store.db, job.taskId);
  const started = await insertExecution(app.store.db, {
    jobId: job.id,
    taskId: job.taskId,
    taskVersionId: found!.latestVersionId!,
    input: job.input,
    startedAt: Date.now(),
  });
  const status = result.status ?? 'COMPLETED';
  const execution = await finishExecution(app.store.db, started.id, {
    status,
    output: status === 'COMPLETED' ? result.output : undefined,
    error: status === 'FAILED' ? { type: 'Error', message: 'boom' } : undefined,
  });
  return { job, execution };
}

const ADDITION = fileURLToPath(new URL('../../../sample/tasks/addition', import.meta.url));

/** Stores the sample `addition` task in the database at url (migrating it first). */
export async function seedAddition(url: string): Promise<void> {
  const store = await openDatabase({ url, maxConnections: 1 });
  try {
    await migrateToLatest(store);
    await savePackage(store.db, await loadTask(ADDITION), { changeSource: 'cli' });
  } finally {
    await store.close();
  }
}

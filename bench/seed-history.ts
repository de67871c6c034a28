// Fills a stopped `ratchet serve`'s SQLite database with a history: `n` finished jobs of one task,
// each with its execution, spread over the last 24 hours (one in ten failed), the way a busy
// server's database looks after a day. Raw INSERTs in one transaction through better-sqlite3 (the
// store's own driver, node:sqlite): 100,000 of each take a few seconds.
import { randomUUID } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';

export function seedHistory(file: string, taskName: string, n: number, now = Date.now()): void {
  const db = new DatabaseSync(file);
  try {
    const task = db
      .prepare(
        `select t.id as taskId, v.id as versionId from tasks t
         join task_versions v on v.task_id = t.id where t.name = ? order by v.id desc limit 1`,
      )
      .get(taskName) as unknown as { taskId: number; versionId: number } | undefined;
    if (!task) throw new Error(`seedHistory: no task ${taskName} in ${file}`);
    const job = db.prepare(
      `insert into jobs (uuid, task_id, task_version_id, input, status, priority, run_at, attempts,
         max_retries, cancel_requested, created_at, updated_at, started_at, finished_at, last_error)
       values (?, ?, ?, ?, ?, 5, ?, 1, 0, 0, ?, ?, ?, ?, ?)`,
    );
    const execution = db.prepare(
      `insert into executions (uuid, job_id, task_id, task_version_id, attempt, status, input, output,
         error, worker_id, started_at, finished_at, duration_ms, created_at)
       values (?, ?, ?, ?, 1, ?, ?, ?, ?, 'seed', ?, ?, ?, ?)`,
    );
    const error = JSON.stringify({ type: 'Error', message: 'seeded failure' });
    db.exec('begin');
    for (let i = 0; i < n; i++) {
      const created = now - Math.floor(((n - i) / n) * 86_400_000);
      const failed = i % 10 === 9;
      const status = failed ? 'FAILED' : 'COMPLETED';
      const ms = 2 + (i % 50);
      const input = JSON.stringify({ num1: i, num2: 1 });
      const r = job.run(
        randomUUID(),
        task.taskId,
        task.versionId,
        input,
        status,
        created,
        created,
        created + ms,
        created,
        created + ms,
        failed ? error : null,
      );
      execution.run(
        randomUUID(),
        Number(r.lastInsertRowid),
        task.taskId,
        task.versionId,
        status,
        input,
        failed ? null : JSON.stringify({ sum: i + 1, product: i }),
        failed ? error : null,
        created,
        created + ms,
        ms,
        created,
      );
    }
    db.exec('commit');
  } finally {
    db.close();
  }
}

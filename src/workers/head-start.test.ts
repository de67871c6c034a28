// A worker that starts with jobs already due starts its first executor thread before it claims, so
// the thread's start overlaps the worker's own (registering, preparing, the first claim) instead of
// following it. One that starts on a queue with nothing due keeps no thread: delayed jobs, and due
// ones while the queue is paused, are no reason to start one. A worker whose registration fails
// keeps no thread either: the one started ahead is stopped with the pool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startWorkers } from '../app.ts';
import { insertJob } from '../store/repos/jobs.ts';
import { getTask } from '../store/repos/tasks.ts';
import { pauseQueue } from '../services/queue-control.ts';
import { createTestApp, saveTask } from './test-helpers.ts';
import { ExecutorPool } from './pool.ts';

// What happened first: a thread starting or a claim (wall-clock milliseconds can tie); and the
// pools that started a thread.
const order: string[] = [];
const startedBy = new Set<ExecutorPool>();
const startThread = ExecutorPool.prototype.startThread;
ExecutorPool.prototype.startThread = function (this: ExecutorPool, index: number) {
  order.push('thread');
  startedBy.add(this);
  return startThread.call(this, index);
};

for (const dialect of ['sqlite', 'postgres'] as const) {
  void test(`jobs due at start: the first executor thread starts before the first claim [${dialect}]`, async () => {
    const t = await createTestApp(dialect, { workers: { worker_count: 2 } });
    try {
      await saveTask(t.app, 'echo', 'function main(i) { return i; }');
      const task = (await getTask(t.app.store.db, 'echo'))!;
      for (let j = 0; j < 3; j++) await insertJob(t.app.store.db, { taskId: task.id, input: { j } });
      order.length = 0;
      const claim = t.app.queue.claim.bind(t.app.queue);
      t.app.queue.claim = (opts) => {
        order.push('claim');
        return claim(opts);
      };
      let finished = 0;
      t.app.jobEvents.on(() => void finished++);
      const node = await startWorkers(t.app, { log: () => {} });
      try {
        while (finished < 3) await new Promise((r) => setTimeout(r, 20));
        assert.equal(order[0], 'thread', `in order: ${order.join(', ')}`);
        assert.ok(order.includes('claim'));
      } finally {
        await node.stop(1000);
      }
    } finally {
      await t.close();
    }
  });

  void test(`only delayed jobs at start: no executor thread starts [${dialect}]`, async () => {
    const t = await createTestApp(dialect);
    try {
      await saveTask(t.app, 'echo', 'function main(i) { return i; }');
      const task = (await getTask(t.app.store.db, 'echo'))!;
      await insertJob(t.app.store.db, { taskId: task.id, input: {}, runAt: Date.now() + 60_000 });
      const node = await startWorkers(t.app, { log: () => {} });
      try {
        // Two polls (poll_interval_ms 200 in the tests' configuration) find nothing due either.
        await new Promise((r) => setTimeout(r, 500));
        assert.equal(node.pool.threadCount(), 0);
        assert.equal(node.queue.running, 0);
      } finally {
        await node.stop(1000);
      }
    } finally {
      await t.close();
    }
  });

  void test(`jobs due but the queue paused: no executor thread starts [${dialect}]`, async () => {
    const t = await createTestApp(dialect);
    try {
      await saveTask(t.app, 'echo', 'function main(i) { return i; }');
      const task = (await getTask(t.app.store.db, 'echo'))!;
      const { job } = await insertJob(t.app.store.db, { taskId: task.id, input: {} });
      await pauseQueue(t.app, 'test');
      const node = await startWorkers(t.app, { log: () => {} });
      try {
        await new Promise((r) => setTimeout(r, 500));
        assert.equal(node.pool.threadCount(), 0);
        const row = await t.app.store.db
          .selectFrom('jobs')
          .select('status')
          .where('id', '=', job.id)
          .executeTakeFirstOrThrow();
        assert.equal(row.status, 'QUEUED');
      } finally {
        await node.stop(1000);
      }
    } finally {
      await t.close();
    }
  });

  void test(`the registration fails: the worker does not start and its thread stops [${dialect}]`, async () => {
    const t = await createTestApp(dialect);
    const db = t.app.store.db;
    try {
      await saveTask(t.app, 'echo', 'function main(i) { return i; }');
      const task = (await getTask(db, 'echo'))!;
      await insertJob(db, { taskId: task.id, input: {} });
      // Registering inserts into workers: make that insert fail, and only after the thread started
      // (SQLite's one connection runs the due check first; on PostgreSQL the insert waits for a
      // lock held here until then).
      if (dialect === 'sqlite')
        await sql`create trigger refuse_workers before insert on workers
          begin select raise(abort, 'refuse_workers'); end`.execute(db);
      else await sql`alter table workers add constraint refuse_workers check (false) not valid`.execute(db);
      const holder = dialect === 'postgres' ? await t.app.store.pgPool!.connect() : undefined;
      try {
        await holder?.query('begin');
        await holder?.query('lock table workers in share mode');
        startedBy.clear();
        // Awaited below, but its handler is attached now: the refusal may come while the loop waits.
        const refused = assert.rejects(startWorkers(t.app, { log: () => {} }), /refuse_workers/);
        for (const until = Date.now() + 5000; startedBy.size === 0 && Date.now() < until;)
          await new Promise((r) => setTimeout(r, 10));
        await holder?.query('commit');
        await refused;
      } finally {
        holder?.release();
      }
      const [pool] = [...startedBy];
      assert.ok(pool, 'a thread started ahead of the registration');
      assert.equal(pool.threadCount(), 0, 'and was stopped with its pool');
    } finally {
      await t.close();
    }
  });
}

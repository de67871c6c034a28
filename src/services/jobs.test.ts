// enqueueJob on both backends: task lookup, input-schema validation at enqueue time, priorities,
// delays, retry defaults from metadata and config, idempotency, wake-up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enqueueJob, parsePriority } from './jobs/index.ts';
import { ValidationError } from './errors.ts';
import { createTestApp, saveTask } from '../workers/test-helpers.ts';

for (const dialect of ['sqlite', 'postgres'] as const) {
  test(`enqueueJob validates, applies defaults, dedupes by key and wakes workers [${dialect}]`, async () => {
    const t = await createTestApp(dialect, { job_queue: { default_max_retries: 7 } });
    try {
      await saveTask(
        t.app,
        'typed',
        'function main(i) { return i; }',
        { max_retries: 2 },
        {
          type: 'object',
          required: ['n'],
          properties: { n: { type: 'integer' } },
        },
      );
      await saveTask(t.app, 'plain', 'function main(i) { return i; }');
      let wakes = 0;
      const unsubscribe = await t.app.queue.notifier.subscribe(() => wakes++);
      await assert.rejects(enqueueJob(t.app, { task: 'typed', input: { n: 'x', extra: 1 } }), (e: Error) => {
        assert.ok(e instanceof ValidationError);
        assert.deepEqual(e.violations, [{ path: '$.n', message: 'must be integer (got string)' }]);
        assert.match(e.message, /input does not match the input schema of task "typed"/);
        return true;
      });
      await assert.rejects(enqueueJob(t.app, { task: 'missing' }), /no task "missing"/);
      await assert.rejects(
        enqueueJob(t.app, { task: 'typed', version: '9.9.9', input: { n: 1 } }),
        /has no version 9\.9\.9/,
      );
      await assert.rejects(
        enqueueJob(t.app, { task: 'plain', maxRetries: -1, priority: 'URGENT' as 'LOW' }),
        (e: Error) => {
          assert.match(e.message, /\$\.priority must be LOW, NORMAL, HIGH, CRITICAL/);
          return true;
        },
      );
      const before = Date.now();
      const a = await enqueueJob(t.app, {
        task: 'typed',
        input: { n: 1 },
        priority: 'CRITICAL',
        delayMs: 60_000,
      });
      assert.equal(a.created, true);
      assert.equal(a.job.priority, 20);
      assert.equal(a.job.maxRetries, 2, 'metadata max_retries');
      assert.ok(Date.parse(a.job.runAt) >= before + 60_000);
      const b = await enqueueJob(t.app, {
        task: 'plain',
        idempotencyKey: 'once',
        timeoutMs: 1500,
        priority: 3,
      });
      assert.equal(b.job.maxRetries, 7, 'config default_max_retries');
      assert.equal(b.job.timeoutMs, 1500);
      assert.equal(b.job.priority, 3);
      const c = await enqueueJob(t.app, { task: 'plain', idempotencyKey: 'once' });
      assert.equal(c.created, false);
      assert.equal(c.job.id, b.job.id);
      const pinned = await enqueueJob(t.app, {
        task: 'typed',
        version: '1.0.0',
        input: { n: 2 },
        maxRetries: 0,
      });
      assert.notEqual(pinned.job.taskVersionId, null);
      assert.equal(pinned.job.maxRetries, 0);
      assert.ok(wakes >= 3, `woken ${wakes} times`);
      unsubscribe();
      assert.equal(parsePriority('high'), 10);
    } finally {
      await t.close();
    }
  });
}

void test("two databases in one process: each enqueue checks its own task version's input schema", async () => {
  const a = await createTestApp('sqlite');
  const b = await createTestApp('sqlite');
  try {
    const schema = (type: string) => ({ type: 'object', required: ['x'], properties: { x: { type } } });
    // The same name and version id in each store, with different input schemas.
    await saveTask(a.app, 'shape', 'function main(i) { return i; }', {}, schema('string'));
    await saveTask(b.app, 'shape', 'function main(i) { return i; }', {}, schema('integer'));
    assert.equal((await enqueueJob(a.app, { task: 'shape', input: { x: 'text' } })).created, true);
    assert.equal((await enqueueJob(b.app, { task: 'shape', input: { x: 7 } })).created, true);
    await assert.rejects(enqueueJob(b.app, { task: 'shape', input: { x: 'text' } }), /input schema/);
  } finally {
    await a.close();
    await b.close();
  }
});

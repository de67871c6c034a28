// Pool supervision with real threads: a thread that dies fails its job with a clear error and is
// restarted; the pool keeps running jobs afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { inlineTask, poolRequest, testPool } from './test-helpers/pool.ts';

const SPIN = inlineTask('spin', 'function main(i) { if (i.spin) { while (true) {} } return { ok: i.n }; }');
const request = (jobId: number, input: unknown) => poolRequest(SPIN, jobId, input);

test('a crashed executor thread fails its run and is restarted with backoff', async () => {
  const logs: string[] = [];
  const pool = testPool({
    healthCheckIntervalMs: 200,
    log: (m) => logs.push(m),
  });
  try {
    assert.deepEqual((await pool.run(request(1, { n: 1 }))).output, { ok: 1 });
    const running = pool.run(request(2, { spin: true }));
    await sleep(200);
    await pool.slots[0]!.worker.terminate();
    const failed = await running;
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.error?.type, 'WorkerCrashed');
    assert.match(failed.error.message, /executor thread 0 exited/);
    for (let i = 0; i < 100 && pool.freeSlots() === 0; i++) await sleep(20);
    assert.equal(pool.freeSlots(), 1, 'thread restarted');
    assert.deepEqual((await pool.run(request(3, { n: 3 }))).output, { ok: 3 });
    assert.ok(logs.some((l) => /exited/.test(l)));
  } finally {
    await pool.close();
  }
});

test('cancel stops a running loop through the shared flag', async () => {
  const pool = testPool();
  try {
    const running = pool.run(request(5, { spin: true }));
    await sleep(150);
    assert.equal(pool.cancel(5), true);
    const r = await running;
    assert.equal(r.error?.type, 'CancelledError');
    assert.equal(pool.cancel(99), false);
  } finally {
    await pool.close();
  }
});

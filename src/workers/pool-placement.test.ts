// Where the executor pool puts runs (pool-placement.ts), with real executor threads: a thread stuck
// behind a long run hands its unstarted runs to a thread that has gone idle (work stealing), and
// withdrawBacklog takes back exactly the runs queued behind each thread's running one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { inlineTask, poolRequest, testPool } from './test-helpers/pool.ts';

const WAIT = inlineTask(
  'wait',
  'function main(i) { const end = Date.now() + (i.ms || 0); while (Date.now() < end) {} return { ok: i.n }; }',
);
const request = (jobId: number, ms: number) => poolRequest(WAIT, jobId, { n: jobId, ms });
const pool = (size: number) => testPool({ size, depth: 4 });

test('runs queued behind a long run move to a thread that has gone idle', async () => {
  const p = pool(2);
  try {
    // One batch: the queues alternate, so runs 2, 4 and 6 wait on the long run's thread.
    const finished: number[] = [];
    const runs = [1, 2, 3, 4, 5, 6, 7, 8].map((id) =>
      p.run(request(id, id === 1 ? 2000 : 0)).then((r) => {
        finished.push(id);
        return r;
      }),
    );
    const results = await Promise.all(runs);
    assert.deepEqual(
      results.map((r) => r.output),
      [1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ ok: n })),
    );
    assert.equal(finished.at(-1), 1, `every short run ends before the long one: ${finished.join(', ')}`);
  } finally {
    await p.close();
  }
});

test('withdrawBacklog takes back the runs behind each running one, and only those', async () => {
  const p = pool(1);
  try {
    const runs = [1, 2, 3, 4].map((id) => p.run(request(id, id === 1 ? 1500 : 0)));
    // Wait until the long run has started on the (new) thread.
    for (let i = 0; i < 200 && p.busyCount() === 0; i++) await sleep(10);
    await sleep(300);
    assert.deepEqual(p.withdrawBacklog().sort(), [2, 3, 4]);
    const results = await Promise.all(runs);
    assert.deepEqual(results[0]!.output, { ok: 1 }, 'the running one finishes');
    for (const r of results.slice(1)) {
      assert.equal(r.status, 'FAILED');
      assert.equal(r.error?.type, 'CancelledError');
    }
  } finally {
    await p.close();
  }
});

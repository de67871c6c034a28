// How an on-demand pool grows (thread-growth.ts): threads start at most maxStarting at a time yet
// the pool still reaches its size; once runs are timed as short no further thread starts, and the
// pool reports no capacity for the dormant slots; a long run that holds the only thread with short
// runs queued behind it starts a thread again, which takes them over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { inlineTask, poolRequest, testPool } from './test-helpers/pool.ts';

const WAIT = inlineTask(
  'wait',
  'function main(i) { const end = Date.now() + (i.ms || 0); while (Date.now() < end) {} return { ok: i.n }; }',
);
const run = (jobId: number, ms = 0) => poolRequest(WAIT, jobId, { n: jobId, ms });

test('at a cap of one, threads start one after another and the pool still grows to its size', async () => {
  const p = testPool({ size: 3, depth: 4, idleThreadMs: 60_000, maxStarting: 1 });
  try {
    const runs = [1, 2, 3, 4, 5, 6].map((n) => p.run(run(n, 150)));
    await sleep(0);
    assert.equal(p.threadCount(), 1, 'the second thread waits for the first to be up');
    const results = await Promise.all(runs);
    assert.deepEqual(
      results.map((r) => r.output),
      [1, 2, 3, 4, 5, 6].map((n) => ({ ok: n })),
    );
    assert.equal(p.threadCount(), 3);
  } finally {
    await p.close();
  }
});

test('short runs start no further thread until a long run stalls the only one', async () => {
  // Runs of this task take 0.03-0.5 ms here; 5 ms makes them short beyond doubt on a loaded machine.
  const p = testPool({ size: 2, depth: 8, idleThreadMs: 60_000, maxStarting: 2, minRunMs: 5 });
  try {
    for (let n = 1; n <= 12; n++) assert.deepEqual((await p.run(run(n))).output, { ok: n });
    const burst = await Promise.all([13, 14, 15, 16, 17, 18].map((n) => p.run(run(n))));
    assert.equal(burst.length, 6);
    assert.equal(p.threadCount(), 1, 'a burst of short runs is no reason to start a thread');
    assert.equal(p.freeSlots(), 1, 'the dormant slot counts as no capacity while runs are short');

    const order: string[] = [];
    const long = p.run(run(100, 3000)).then((r) => order.push(`long ${r.status}`));
    const short = [101, 102, 103].map((n) => p.run(run(n)).then((r) => order.push(`short ${r.status}`)));
    await Promise.all([long, ...short]);
    assert.deepEqual(order, [...Array(3).fill('short COMPLETED'), 'long COMPLETED']);
    assert.equal(p.threadCount(), 2, 'the stalled queue started the second thread');
  } finally {
    await p.close();
  }
});

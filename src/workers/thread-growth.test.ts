// How an on-demand pool grows (thread-growth.ts): threads start at most maxStarting at a time yet
// the pool still reaches its size; once runs are timed as short no further thread starts, and the
// pool reports no capacity for the dormant slots; a long run that holds the only thread with short
// runs queued behind it starts a thread again, which takes them over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { inlineTask, poolRequest, testPool } from './test-helpers/pool.ts';
import { STALL_MS, ThreadGrowth } from './thread-growth.ts';

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
    assert.equal(p.usableThreads(), 1, 'and claims are sized for the one thread');

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

test('before runs are timed, the first thread up holds the next back while runs keep finishing', async () => {
  const g = new ThreadGrowth(1, 0.25);
  assert.equal(g.mayStart(0, 0), 'yes', 'the first thread always starts');
  assert.equal(g.mayStart(1, 1), 'cap', 'one start at a time');
  g.threadUp();
  assert.equal(g.mayStart(1, 0), 'short', 'no run timed yet: wait for the verdict');
  for (let i = 0; i < 5; i++) g.observe(2);
  assert.equal(g.mayStart(1, 0), 'short', "a cold thread's runs of a few ms prove nothing yet");
  g.observe(20);
  assert.equal(g.mayStart(1, 0), 'yes', 'a run of 20 ms shows runs are long');

  const quiet = new ThreadGrowth(1, 0.25);
  quiet.mayStart(0, 0);
  quiet.threadUp();
  assert.equal(quiet.mayStart(1, 0), 'short');
  await sleep(STALL_MS + 10);
  assert.equal(quiet.mayStart(1, 0), 'yes', 'no run finished for STALL_MS: the runs are long');

  const verdict = new ThreadGrowth(1, 0.25);
  verdict.threadUp();
  for (let i = 0; i < 20; i++) verdict.observe(i < 6 ? 2 : 0.03);
  assert.equal(verdict.mayStart(1, 0), 'short', "a median of warm runs decides, not the cold thread's first");
});

// On-demand executor threads (idleThreadMs): no thread until work arrives, a second thread only
// when the first is busy, threads exit after idling, and a retired slot starts a new thread for
// the next run. Capacity figures count dormant slots as free, so the queue worker claims for them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecutorPool } from './pool.ts';
import { inlineTask, poolRequest, testPool } from './test-helpers/pool.ts';

const WAIT = inlineTask(
  'wait',
  'function main(i) { const end = Date.now() + (i.ms || 0); while (Date.now() < end) {} return { ok: i.n }; }',
);
const request = (jobId: number, input: unknown) => poolRequest(WAIT, jobId, input);

function pool(idleThreadMs: number, size = 2, depth = 4): ExecutorPool {
  // Both threads may start at once whatever the machine's cores (thread-growth.test.ts paces them).
  return testPool({ size, depth, idleThreadMs, maxStarting: size });
}

test('an on-demand pool starts no thread until work arrives, yet reports its full capacity', async () => {
  const p = pool(60_000);
  try {
    assert.equal(p.threadCount(), 0);
    assert.equal(p.freeSlots(), 2);
    assert.equal(p.freeCapacity(), 8);
    assert.equal(p.hasIdleThread(), true);
    assert.deepEqual((await p.run(request(1, { n: 1 }))).output, { ok: 1 });
    assert.equal(p.threadCount(), 1, 'one run at a time needs one thread');
    assert.deepEqual((await p.run(request(2, { n: 2 }))).output, { ok: 2 });
    assert.equal(p.threadCount(), 1, 'the idle thread takes the next run');
  } finally {
    await p.close();
  }
});

test('concurrent runs start more threads, up to the pool size', async () => {
  const p = pool(60_000);
  try {
    const runs = [1, 2, 3, 4, 5].map((n) => p.run(request(n, { n, ms: 100 })));
    await sleep(0);
    assert.equal(p.threadCount(), 2);
    assert.equal(p.freeCapacity(), 8 - 5);
    const results = await Promise.all(runs);
    assert.deepEqual(
      results.map((r) => r.output),
      [1, 2, 3, 4, 5].map((n) => ({ ok: n })),
    );
  } finally {
    await p.close();
  }
});

test('idle threads exit after idleThreadMs and a later run starts a new one', async () => {
  // The idle window is wide so that, on a loaded machine, the first thread cannot retire
  // while the second is still starting and running.
  const p = pool(1500);
  try {
    await Promise.all([1, 2].map((n) => p.run(request(n, { n, ms: 50 }))));
    assert.equal(p.threadCount(), 2);
    for (let i = 0; i < 250 && p.threadCount() > 0; i++) await sleep(20);
    assert.equal(p.threadCount(), 0, 'both threads retired');
    assert.equal(p.freeSlots(), 2);
    assert.deepEqual((await p.run(request(3, { n: 3 }))).output, { ok: 3 });
    assert.equal(p.threadCount(), 1);
  } finally {
    await p.close();
  }
});

test('a busy thread is never retired, however long its run takes', async () => {
  const p = pool(100, 1);
  try {
    const long = p.run(request(1, { n: 1, ms: 600 }));
    await sleep(400);
    assert.equal(p.threadCount(), 1);
    assert.deepEqual((await long).output, { ok: 1 });
  } finally {
    await p.close();
  }
});

test('without idleThreadMs every thread starts with the pool and stays', async () => {
  const p = pool(0);
  try {
    assert.equal(p.threadCount(), 2);
    assert.deepEqual((await p.run(request(1, { n: 1 }))).output, { ok: 1 });
    assert.equal(p.threadCount(), 2);
  } finally {
    await p.close();
  }
});

// ResultWriter.between: the lease renewal runs between two result writes, never beside one (on
// PostgreSQL the two statements lock the same job rows in different orders and deadlocked). A real
// SQLite store and queue backend, with the backend's completion held at a gate to make the
// overlap certain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withStore } from '../store/test-helpers/backends.ts';
import { seedTask } from '../store/test-helpers/fixtures.ts';
import { insertJob } from '../store/repos/jobs.ts';
import { openQueueBackend } from '../queue/open-backend.ts';
import type { QueueBackend } from '../queue/backend.ts';
import type { ClaimedJob } from '../queue/claim-jobs.ts';
import { systemClock } from '../queue/clock.ts';
import { MAX_WRITE, ResultWriter } from './result-writer.ts';

function gate(): { open: () => void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

/** A successful attempt's pending result for a job claimed by worker w1. */
function completed(c: ClaimedJob) {
  return {
    maxRetries: 0,
    result: {
      jobId: c.job.id,
      attempt: c.job.attempts,
      executionId: c.executionId,
      workerId: 'w1',
      status: 'COMPLETED' as const,
      output: {},
      finishedAt: Date.now(),
    },
  };
}

void test('between() waits for the write in flight, and a write waits for between()', () =>
  withStore('sqlite', async (store) => {
    const { taskId } = await seedTask(store.db, 'between');
    for (let i = 0; i < 2; i++) await insertJob(store.db, { taskId, input: { i } });
    const backend = openQueueBackend(store);
    const [a, b] = await backend.claim({ workerId: 'w1', limit: 2, leaseMs: 30_000, now: Date.now() });
    assert.ok(a && b);

    const events: string[] = [];
    let completion = gate();
    const queue: QueueBackend = {
      ...backend,
      complete: async (results, db) => {
        events.push('write starts');
        await completion.opened;
        events.push('write ends');
        return backend.complete(results, db);
      },
    };
    const writer = new ResultWriter(store, queue, {
      policy: { baseDelayMs: 1000, maxDelayMs: 60_000 },
      clock: systemClock,
      onWritten: () => {},
      flushNow: () => true,
    });
    const result = completed;

    // A write in flight: between() runs only after it.
    writer.push(result(a));
    await tick();
    const renewal = writer.between(async () => {
      events.push('renewal');
      return 7;
    });
    await tick();
    assert.deepEqual(events, ['write starts']);
    completion.open();
    assert.equal(await renewal, 7);
    assert.deepEqual(events, ['write starts', 'write ends', 'renewal']);

    // A renewal in flight: the next write starts only after it.
    events.length = 0;
    completion = gate();
    completion.open();
    const renewing = gate();
    const second = writer.between(async () => {
      events.push('renewal');
      await renewing.opened;
      events.push('renewal ends');
    });
    writer.push(result(b));
    await tick();
    assert.deepEqual(events, ['renewal']);
    renewing.open();
    await second;
    await writer.flush();
    assert.deepEqual(events, ['renewal', 'renewal ends', 'write starts', 'write ends']);
  }));

void test('a backlog of results is written MAX_WRITE at a time, with a renewal between two writes', () =>
  withStore('sqlite', async (store) => {
    const { taskId } = await seedTask(store.db, 'backlog');
    const backend = openQueueBackend(store);
    const total = MAX_WRITE * 2 + 100;
    await backend.enqueueMany(Array.from({ length: total }, (_, i) => ({ taskId, input: { i } })));
    const claimed = await backend.claim({ workerId: 'w1', limit: total, leaseMs: 30_000, now: Date.now() });
    assert.equal(claimed.length, total);

    const events: string[] = [];
    const first = gate();
    let writes = 0;
    const queue: QueueBackend = {
      ...backend,
      complete: async (results, db) => {
        events.push(`write ${results.length}`);
        if (writes++ === 0) await first.opened;
        return backend.complete(results, db);
      },
    };
    let stored = 0;
    const writer = new ResultWriter(store, queue, {
      policy: { baseDelayMs: 1000, maxDelayMs: 60_000 },
      clock: systemClock,
      onWritten: (written) => void (stored += written.filter((w) => w.finished).length),
      flushNow: () => true,
    });
    const push = (c: ClaimedJob) => writer.push(completed(c));
    // The first result's write is held: the rest pile up behind it and a renewal asks for a turn.
    // The backlog goes in chunks, and the renewal does not wait for all of them.
    push(claimed[0]!);
    await tick();
    for (const c of claimed.slice(1)) push(c);
    const renewal = writer.between(async () => void events.push('renewal'));
    first.open();
    await renewal;
    while (stored < total) await tick();
    assert.deepEqual(events, ['write 1', 'renewal', `write ${MAX_WRITE}`, `write ${MAX_WRITE}`, 'write 99']);
  }));

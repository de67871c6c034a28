// Results of quick runs leave an executor thread in groups (result-batch.ts): the policy with a
// recorded send, then through a real pool, where each run must still get its own result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FromThread, ThreadResult } from './messages.ts';
import { HOLD_MAX, HOLD_MS, HOLD_OUTPUT_CHARS, QUICK_MS, ResultBatch } from './result-batch.ts';
import type { ExecutorPool } from './pool.ts';
import { inlineTask, poolRequest, testPool } from './test-helpers/pool.ts';

const result = (n: number): ThreadResult => ({
  status: 'COMPLETED',
  executionId: `exec-${n}`,
  outputJson: JSON.stringify({ n }),
  logs: [],
  progress: [],
  http: [],
  durationMs: 0.01,
});

/** A batch whose sends are recorded, on a clock the test moves (`clock.ms`). */
function recorded(): {
  batch: ResultBatch;
  sent: FromThread[];
  seqs: () => number[][];
  clock: { ms: number };
} {
  const sent: FromThread[] = [];
  const clock = { ms: 1000 };
  const batch = new ResultBatch(
    (m) => sent.push(m),
    () => clock.ms,
  );
  const seqs = () => sent.map((m) => (m.type === 'results' ? m.results.map((r) => r.seq) : []));
  return { batch, sent, seqs, clock };
}

const quick = { versionId: 1, tookMs: QUICK_MS / 10 };

test('a result leaves at once when no run follows it', () => {
  const { batch, seqs } = recorded();
  batch.add({ seq: 1, result: result(1) });
  batch.settle(quick, undefined);
  assert.deepEqual(seqs(), [[1]]);
});

test('quick runs of one version followed by more of it send their results in groups of HOLD_MAX', () => {
  const { batch, seqs } = recorded();
  const runs = HOLD_MAX * 2 + 3;
  for (let seq = 1; seq <= runs; seq++) {
    batch.add({ seq, result: result(seq) });
    batch.settle(quick, seq < runs ? { versionId: 1 } : undefined);
  }
  const groups = seqs();
  assert.deepEqual(
    groups.map((g) => g.length),
    [HOLD_MAX, HOLD_MAX, 3],
  );
  assert.deepEqual(
    groups.flat(),
    Array.from({ length: runs }, (_, i) => i + 1),
    'in the order they finished',
  );
});

test('a slow run, or another version next, sends what is held at once', () => {
  const { batch, seqs } = recorded();
  batch.add({ seq: 1, result: result(1) });
  batch.settle(quick, { versionId: 1 });
  assert.deepEqual(seqs(), [], 'held behind a quick run of the same version');
  batch.add({ seq: 2, result: result(2) });
  batch.settle({ versionId: 1, tookMs: QUICK_MS * 2 }, { versionId: 1 });
  assert.deepEqual(seqs(), [[1, 2]], 'a run over QUICK_MS');
  batch.add({ seq: 3, result: result(3) });
  batch.settle(quick, { versionId: 2 });
  assert.deepEqual(seqs(), [[1, 2], [3]], 'the next run is of another version');
});

test('large outputs do not pile up: the group leaves once it holds HOLD_OUTPUT_CHARS of output', () => {
  const { batch, seqs } = recorded();
  const big = (n: number): ThreadResult => ({
    ...result(n),
    outputJson: JSON.stringify('x'.repeat(HOLD_OUTPUT_CHARS / 2)),
  });
  for (let seq = 1; seq <= 4; seq++) {
    batch.add({ seq, result: big(seq) });
    batch.settle(quick, seq < 4 ? { versionId: 1 } : undefined);
  }
  assert.deepEqual(seqs(), [
    [1, 2],
    [3, 4],
  ]);
});

test('any other message leaves after the results held before it', () => {
  const { batch, sent } = recorded();
  batch.add({ seq: 1, result: result(1) });
  batch.settle(quick, { versionId: 1 });
  batch.post({ type: 'logs', seq: 2, entries: [], dropped: 0 });
  assert.deepEqual(
    sent.map((m) => m.type),
    ['results', 'logs'],
  );
});

test('results wait at most HOLD_MS: the next settle or a poll during a run sends them', () => {
  const { batch, seqs, clock } = recorded();
  batch.add({ seq: 1, result: result(1) });
  batch.settle(quick, { versionId: 1 });
  clock.ms += HOLD_MS / 2;
  batch.poll();
  assert.deepEqual(seqs(), [], 'young results stay');
  clock.ms += HOLD_MS / 2;
  batch.poll();
  assert.deepEqual(seqs(), [[1]], 'a poll sends results older than HOLD_MS');
  batch.add({ seq: 2, result: result(2) });
  batch.settle(quick, { versionId: 1 });
  clock.ms += HOLD_MS;
  batch.add({ seq: 3, result: result(3) });
  batch.settle(quick, { versionId: 1 });
  assert.deepEqual(seqs(), [[1], [2, 3]], 'a settle sends them once the oldest is HOLD_MS old');
});

/** Busy for input.ms, then returns { n: input.n }. */
const BUSY_BODY = 'const end = Date.now() + (i.ms || 0); while (Date.now() < end) {} return { n: i.n };';
const ECHO = inlineTask('echo', `function main(i) { console.log("run " + i.n); ${BUSY_BODY} }`);

/** A one-thread pool whose thread holds 64 runs, closed after `use`. */
async function withPool(use: (pool: ExecutorPool) => Promise<void>): Promise<void> {
  const pool = testPool({ size: 1, depth: 64 });
  try {
    await use(pool);
  } finally {
    await pool.close();
  }
}

test('through a real thread, each of hundreds of quick runs gets its own output and log lines', () =>
  withPool(async (pool) => {
    // Lines as the live path hands them on (onLogs), per run, and what each had when its result came.
    const live = new Map<number, string[]>();
    const seenAtResult = new Map<number, string[]>();
    const results = await Promise.all(
      Array.from({ length: 400 }, (_, i) => {
        const n = i + 1;
        return pool
          .run(poolRequest(ECHO, n, { n }), undefined, (entries) =>
            live.set(n, [...(live.get(n) ?? []), ...entries.map((e) => e.message)]),
          )
          .then((r) => (seenAtResult.set(n, [...(live.get(n) ?? [])]), r));
      }),
    );
    for (const [i, r] of results.entries()) {
      const n = i + 1;
      assert.equal(r.status, 'COMPLETED');
      assert.deepEqual(r.output, { n });
      assert.deepEqual(
        r.logs.map((l) => l.message),
        [`run ${n}`],
      );
      assert.deepEqual(seenAtResult.get(n), [`run ${n}`], `run ${n}'s line was handed on before its result`);
    }
  }));

// No log lines: a run's log lines leave during it and take the held results with them.
const WAIT = inlineTask('wait', `function main(i) { ${BUSY_BODY} }`);

test('quick runs queued before a slow run of the same task do not wait for it', () =>
  withPool(async (pool) => {
    // Warm runs: the thread's first runs are slower than QUICK_MS, and only quick runs hold results.
    await Promise.all(Array.from({ length: 50 }, (_, i) => pool.run(poolRequest(WAIT, i + 1, { n: i }))));
    const slowMs = 3000;
    const submitted = Date.now();
    const quickRuns = Array.from({ length: 20 }, (_, i) => pool.run(poolRequest(WAIT, 100 + i, { n: i })));
    const slow = pool.run(poolRequest(WAIT, 200, { n: 0, ms: slowMs }));
    await Promise.all(quickRuns);
    const quickDoneMs = Date.now() - submitted;
    assert.ok(quickDoneMs < slowMs - 1000, `the quick runs' results came after ${quickDoneMs} ms`);
    assert.equal((await slow).status, 'COMPLETED');
  }));

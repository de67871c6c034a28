// The watchdog and the thread boundary with real executor threads: a QuickJS builtin that never
// reaches the interrupt handler is ended at its deadline (TimeoutError) and on cancel
// (CancelledError); deeply nested values cross as JSON text; a message that cannot be read fails
// the run instead of being dropped. After each, the same pool runs the next task normally.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecutorPool } from './pool.ts';
import { inlineTask, poolRequest, testPool } from './test-helpers/pool.ts';
import { DEFAULT_RUNTIME_LIMITS, type RuntimeLimits } from '../runtime/run-task.ts';
import { DEFAULT_VALUE_LIMITS } from '../tasks/value-limits.ts';
import { onThreadLost } from '../runtime/watchdog.ts';

const FILES = inlineTask(
  'stuck',
  `function main(i) {
    if (i.builtin) return Array.prototype.includes.call({ length: 2 ** 32 - 1 }, 1);
    if (i.deep) { let v = 0; for (let d = 0; d < i.deep; d++) v = [v]; return v; }
    if (i.nested) return 'received';
    return { ok: i.n };
  }`,
);

let nextId = 1;
const request = (input: unknown, timeoutMs = 60_000) => poolRequest(FILES, nextId++, input, timeoutMs);

function newPool(logs: string[] = [], limits: RuntimeLimits = DEFAULT_RUNTIME_LIMITS): ExecutorPool {
  return testPool({ limits, healthCheckIntervalMs: 60_000, log: (m) => logs.push(m) });
}

function nest(depth: number): unknown {
  let v: unknown = 0;
  for (let d = 0; d < depth; d++) v = [v];
  return v;
}

function depthOf(v: unknown): number {
  let d = 0;
  while (Array.isArray(v)) {
    v = v[0];
    d++;
  }
  return d;
}

test('a builtin loop the interrupt never reaches ends at its deadline as TimeoutError', async () => {
  const pool = newPool();
  try {
    const r = await pool.run(request({ builtin: true }, 500));
    assert.equal(r.status, 'FAILED');
    assert.equal(r.error?.type, 'TimeoutError');
    assert.equal(r.error?.stop, 'timeout');
    assert.match(r.error.message, /^task exceeded its time limit of 500 ms/);
    assert.equal(pool.watchdog.stops, 1);
    assert.deepEqual((await pool.run(request({ n: 2 }))).output, { ok: 2 });
  } finally {
    await pool.close();
  }
});

test('a cancel of a builtin loop ends it as CancelledError, not TimeoutError', async () => {
  const pool = newPool();
  try {
    const req = request({ builtin: true }, 60_000);
    let settled = false;
    const running = pool.run(req).finally(() => (settled = true));
    for (let i = 0; i < 200 && pool.slots[0]?.running() === undefined; i++) await sleep(10);
    await sleep(100);
    assert.equal(settled, false, 'still spinning before the cancel');
    assert.equal(pool.cancel(req.jobId), true);
    const r = await running;
    assert.equal(r.error?.type, 'CancelledError');
    assert.equal(r.error?.stop, 'cancelled');
    assert.match(r.error.message, /cancelled/);
    assert.deepEqual((await pool.run(request({ n: 3 }))).output, { ok: 3 });
  } finally {
    await pool.close();
  }
});

test('deeply nested input and output cross the thread boundary as text, never crashing the process', async () => {
  const pool = newPool();
  try {
    // 6,000 levels: structured clone overflowed the stack on this (inside a microtask) and ended
    // the process; as text it cannot even be written, so the run fails alone.
    const input = await pool.run(request({ nested: nest(6000) }));
    assert.equal(input.status, 'FAILED');
    assert.equal(input.error?.type, 'ValidationError');
    assert.match(input.error.message, /cannot be sent to the sandbox as JSON/);
    // 3,000 levels cross as text and reach the task.
    const parsed = await pool.run(request({ nested: nest(3000) }));
    assert.equal(parsed.output, 'received');
    // 5,000 levels fit the guest; the value used to be dropped by messageerror on the way back
    // (the caller waited for ever). Now the output limit refuses it in the thread.
    const output = await pool.run(request({ deep: 5000 }));
    assert.equal(output.status, 'FAILED');
    assert.equal(output.error?.type, 'OutputLimitError');
    // At the deepest the limit allows (1,000), the value crosses as text and arrives whole.
    const deepLimits = { ...DEFAULT_RUNTIME_LIMITS, values: { ...DEFAULT_VALUE_LIMITS, maxDepth: 1000 } };
    const wide = newPool([], deepLimits);
    try {
      const fine = await wide.run(request({ deep: 999 }));
      assert.equal(fine.status, 'COMPLETED', JSON.stringify(fine.error));
      assert.equal(depthOf(fine.output), 999);
    } finally {
      await wide.close();
    }
    // A value that is not JSON at all fails alone.
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const bad = await pool.run(request(cyclic));
    assert.equal(bad.error?.type, 'ValidationError');
    assert.match(bad.error.message, /cannot be sent to the sandbox as JSON/);
    assert.deepEqual((await pool.run(request({ n: 4 }))).output, { ok: 4 });
  } finally {
    await pool.close();
  }
});

test('a message that cannot be read (messageerror) is reported, not silently dropped', async () => {
  // A real thread posting a value its receiver cannot deserialise (nesting past the main
  // thread's stack): Node emits 'messageerror' on the receiving side and drops the message.
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     let v = 0; for (let d = 0; d < 10000; d++) v = [v];
     try { parentPort.postMessage(v); } catch (e) { parentPort.postMessage('could not send: ' + e.message); }
     setInterval(() => {}, 1000);`,
    { eval: true },
  );
  try {
    const why = await new Promise<string>((resolve) => {
      worker.on('message', (m) => resolve(`message: ${String(m).slice(0, 80)}`));
      onThreadLost(worker, 'test thread', (reason) => resolve(reason));
    });
    assert.match(why, /^a message from test thread could not be read/);
  } finally {
    await worker.terminate();
  }
});

// Executor threads run below the main thread's priority (Linux): read back from the kernel's view
// of this process's threads, not from what the code meant to set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { inlineTask, poolRequest, testPool } from './test-helpers/pool.ts';
import { EXECUTOR_NICE_STEPS, kernelThreadId } from './thread-priority.ts';

/** Nice value of each of this process's threads (field 19 of /proc/self/task/<tid>/stat). */
function threadNices(): Map<number, number> {
  const nices = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    nices.set(Number(tid), Number(fields[16]));
  }
  return nices;
}

const linux = process.platform === 'linux';

test('executor threads run below the main thread, which keeps its priority', { skip: !linux }, async () => {
  const base = getPriority();
  const main = kernelThreadId();
  assert.ok(main !== undefined, '/proc/thread-self names this thread');
  const before = [...threadNices().values()].filter((n) => n === base + EXECUTOR_NICE_STEPS).length;
  const pool = testPool({ size: 2 });
  try {
    const spin = inlineTask(
      'spin',
      'function main(i) { const end = Date.now() + 200; while (Date.now() < end) {} return i; }',
    );
    await Promise.all([1, 2].map((n) => pool.run(poolRequest(spin, n, { n }))));
    const nices = threadNices();
    const lowered = [...nices.values()].filter((n) => n === base + EXECUTOR_NICE_STEPS).length;
    assert.equal(
      lowered - before,
      2,
      `two executor threads at nice ${base + EXECUTOR_NICE_STEPS}: ${[...nices]}`,
    );
    assert.equal(nices.get(main), base, 'the main thread is not lowered');
    assert.equal(getPriority(), base, 'nor the process');
  } finally {
    await pool.close();
  }
});

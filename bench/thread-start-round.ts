// One round of bench/thread-start.ts in a fresh process: prints [first, next] in milliseconds.
import type * as PoolModule from '../src/workers/pool.ts';
import { inlineTask, poolRequest, testPool } from '../src/workers/test-helpers/pool.ts';

const { ExecutorPool } = (await import(
  new URL('../dist/workers/pool.js', import.meta.url).href
)) as typeof PoolModule;
const NOOP = inlineTask('noop', 'function main(i) { return i; }');

async function timeFirstRun(): Promise<number> {
  const pool = testPool({ idleThreadMs: 60_000 }, ExecutorPool);
  try {
    const start = performance.now();
    const r = await pool.run(poolRequest(NOOP, 1, { n: 1 }));
    if (r.status !== 'COMPLETED') throw new Error(`the run failed: ${JSON.stringify(r.error)}`);
    return Math.round((performance.now() - start) * 10) / 10;
  } finally {
    await pool.close();
  }
}

console.log(JSON.stringify([await timeFirstRun(), await timeFirstRun()]));

// The API while every executor thread is busy: the built `ratchet serve` (embedded worker with 8
// executor threads, as bench/api.ts starts it) answers the tasks list at 1 connection, first idle,
// then while a backlog of CPU-bound jobs (each spins 20 ms in the sandbox) keeps all 8 threads
// running. On a machine with fewer cores than threads the main thread, which serves the API, must
// still get the CPU: executor threads run below its priority (src/workers/thread-priority.ts).
// Threads start one after another on 2 cores (workers/thread-growth.ts: all 8 are up ~0.6 s after
// the backlog arrives), so the busy figure is taken from 1 s on.
// Run: npx node bench/api-under-load.ts   (build first: npm run build)
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureLoad, startServeForBench } from './api.ts';
import { report } from './lib.ts';

const SAMPLES = fileURLToPath(new URL('../sample/tasks', import.meta.url));
const THREADS = 8;
const JOBS = 1000;
const SPIN_MS = 20;

function writeSpinTask(dir: string): void {
  const task = join(dir, 'tasks', 'spin');
  mkdirSync(task, { recursive: true });
  writeFileSync(join(task, 'metadata.json'), JSON.stringify({ name: 'spin', version: '1.0.0' }));
  writeFileSync(
    join(task, 'main.js'),
    'function main(i) { const end = Date.now() + i.ms; while (Date.now() < end) {} return {}; }',
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ratchet-bench-api-load-'));
  try {
    cpSync(SAMPLES, join(dir, 'tasks'), { recursive: true });
    writeSpinTask(dir);
    const s = await startServeForBench(
      dir,
      `server:\n  rate_limit:\n    enabled: false\n  workers:\n    embedded: true\n    worker_count: ${THREADS}\nlogging:\n  level: warn\n`,
    );
    try {
      const list = { url: `${s.url}/api/v1/tasks?_start=0&_end=25`, connections: 1 };
      const idle = await measureLoad({ ...list, durationMs: 2000 });
      const res = await fetch(`${s.url}/api/v1/jobs/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          taskId: 'spin',
          jobs: Array.from({ length: JOBS }, () => ({ input: { ms: SPIN_MS } })),
        }),
      });
      if (res.status !== 201 && res.status !== 200) throw new Error(`batch enqueue: ${await res.text()}`);
      // The backlog keeps 8 threads busy for JOBS × SPIN_MS / 8 = 2.5 s of wall time at least.
      await new Promise((r) => setTimeout(r, 1000));
      const busy = await measureLoad({ ...list, durationMs: 1000, warmupMs: 0 });
      report('api-under-load', {
        executorThreads: THREADS,
        backlog: `${JOBS} jobs of ${SPIN_MS} ms CPU each`,
        'GET /api/v1/tasks c1 idle': idle,
        'GET /api/v1/tasks c1 with every thread busy': busy,
      });
    } finally {
      await s.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

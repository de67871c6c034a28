// Worker-thread entry for the test runner's CaseWorkerPool: runs the cases it is sent, one at a
// time (a sandbox run blocks its thread), and posts each result back. Packages arrive once per task
// and are kept by key, so a task's code crosses the thread boundary only once per worker. The
// running sandbox's deadline goes to the shared cell the pool's watchdog reads.
import { parentPort, workerData } from 'node:worker_threads';
import { DeadlineCell } from '../runtime/watchdog.ts';
import { warmSandbox } from '../runtime/sandbox.ts';
import { DEFAULT_RUNTIME_LIMITS } from '../runtime/run-task.ts';
import type { TaskPackage } from '../tasks/types.ts';
import { runTestCase } from './run-case.ts';
import type { CaseWorkerData, PoolAnswer, PoolJob } from './pool.ts';

const data = workerData as CaseWorkerData;
const cell = new DeadlineCell(data.deadline);
const packages = new Map<number, TaskPackage>();
const port = parentPort!;

// The sandbox is made before the first case arrives (messages wait for the listener), so the first
// case's duration is its run, not the thread's WebAssembly and context start-up.
await warmSandbox((data.opts.limits ?? DEFAULT_RUNTIME_LIMITS).defaultMemoryBytes);

port.on('message', (job: PoolJob) => {
  if (job.pkg) packages.set(job.key, job.pkg);
  const pkg = packages.get(job.key);
  const answer = async (): Promise<PoolAnswer> => {
    if (!pkg) return { id: job.id, error: `task ${job.key} was never sent to this worker` };
    try {
      const result = await runTestCase(pkg, job.file, data.opts, (deadline, timeoutMs) =>
        cell.start(deadline, timeoutMs),
      );
      return { id: job.id, result };
    } catch (e) {
      return { id: job.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    } finally {
      cell.clear();
    }
  };
  void answer().then((a) => {
    try {
      port.postMessage(a);
    } catch (e) {
      port.postMessage({ id: job.id, error: `the case result could not be sent back: ${String(e)}` });
    }
  });
});

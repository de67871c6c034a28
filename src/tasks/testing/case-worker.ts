// Worker-thread entry for `ratchet test --parallel`: runs the cases it is sent, one at a time
// (a sandbox run blocks its thread), and posts each result back. Packages arrive once per task
// and are kept by key, so a task's code crosses the thread boundary only once per worker.
import { parentPort, workerData } from 'node:worker_threads';
import type { TaskPackage } from '../types.ts';
import { runTestCase, type CaseRunOptions } from './run-case.ts';
import type { PoolAnswer, PoolJob } from './pool.ts';

const opts = workerData as CaseRunOptions;
const packages = new Map<number, TaskPackage>();
const port = parentPort!;

port.on('message', (job: PoolJob) => {
  if (job.pkg) packages.set(job.key, job.pkg);
  const pkg = packages.get(job.key);
  const answer = async (): Promise<PoolAnswer> => {
    if (!pkg) return { id: job.id, error: `task ${job.key} was never sent to this worker` };
    try {
      return { id: job.id, result: await runTestCase(pkg, job.file, opts) };
    } catch (e) {
      return { id: job.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
  };
  void answer().then((a) => port.postMessage(a));
});

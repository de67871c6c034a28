// Executor thread: runs one sandbox at a time (a run blocks its thread) through runTask, with one
// synchronous fetcher for the thread's whole life. Task packages arrive once per version and are
// cached; cancellation is a shared Int32 the pool sets to the job id, polled by isCancelled.
import { parentPort, workerData } from 'node:worker_threads';
import { createSyncFetcher } from '../http/sync-fetch.ts';
import { resolveLimits, runTask } from '../runtime/run-task.ts';
import { loadTaskFromFiles } from '../tasks/load.ts';
import type { TaskPackage } from '../tasks/types.ts';
import type { ExecutorThreadData, FromThread, RunMessage, ToThread } from './messages.ts';

const data = workerData as ExecutorThreadData;
const port = parentPort!;
const cancelFlag = new Int32Array(data.cancelFlag);
let current = 0;
const isCancelled = (): boolean => current !== 0 && Atomics.load(cancelFlag, 0) === current;
const fetcher = createSyncFetcher(data.http, { isCancelled });
const packages = new Map<number, TaskPackage>();
const PACKAGE_CACHE = 200;

const post = (m: FromThread): void => port.postMessage(m);

function packageFor(m: RunMessage): TaskPackage {
  const hit = packages.get(m.versionId);
  if (hit) return hit;
  if (!m.files) throw new Error(`task version ${m.versionId} was never sent to this executor thread`);
  const pkg = loadTaskFromFiles(m.files, { kind: 'store', path: m.label });
  if (packages.size >= PACKAGE_CACHE) packages.delete(packages.keys().next().value!);
  packages.set(m.versionId, pkg);
  return pkg;
}

async function run(m: RunMessage): Promise<void> {
  current = m.jobId;
  try {
    const pkg = packageFor(m);
    post({
      type: 'started',
      jobId: m.jobId,
      timeoutMs: resolveLimits(pkg, data.limits, m.timeoutMs).timeoutMs,
    });
    const result = await runTask(pkg, {
      input: m.input,
      fetch: fetcher.fetch,
      limits: data.limits,
      timeoutMs: m.timeoutMs,
      context: { executionId: m.executionUuid, ...m.context },
      onProgress: (event) => post({ type: 'progress', jobId: m.jobId, event }),
      isCancelled,
    });
    post({ type: 'result', jobId: m.jobId, result });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    post({
      type: 'result',
      jobId: m.jobId,
      result: {
        status: 'FAILED',
        executionId: m.executionUuid,
        error: {
          type: e.name === 'TaskLoadError' ? 'TaskLoadError' : 'InternalError',
          message: e.message,
          stack: e.stack,
        },
        logs: [],
        progress: [],
        http: [],
        durationMs: 0,
      },
    });
  } finally {
    current = 0;
  }
}

// Runs are queued so a second message never interleaves with a run awaiting an async task.
let chain = Promise.resolve();
port.on('message', (m: ToThread) => {
  if (m.type === 'ping') {
    post({ type: 'pong', id: m.id });
    return;
  }
  chain = chain.then(() => run(m));
});

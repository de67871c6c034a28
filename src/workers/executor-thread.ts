// Executor thread: runs one sandbox at a time (a run blocks its thread) through runTask, with one
// synchronous fetcher for the thread's whole life. Runs arrive in batches and wait in a local FIFO;
// before starting one the thread claims it in the shared ring (messages.ts CONTROL), so a run the
// pool withdrew meanwhile is skipped. Task packages arrive once per version and are cached;
// cancellation is the CANCEL word the pool sets to the job id, polled by isCancelled.
import { parentPort, workerData } from 'node:worker_threads';
import { createSyncFetcher } from '../http/sync-fetch.ts';
import { runTask, sandboxMemoryBytes, type TaskRunResult } from '../runtime/run-task.ts';
import { warmSandbox } from '../runtime/sandbox.ts';
import { DeadlineCell } from '../runtime/watchdog.ts';
import { useCompiledWasm } from '../runtime/module-pool.ts';
import { loadTaskFromFiles } from '../tasks/load.ts';
import { ProgressCoalescer } from './progress-coalescer.ts';
import { LogForwarder } from './log-forwarder.ts';
import { ResultBatch } from './result-batch.ts';
import type { TaskPackage } from '../tasks/types.ts';
import {
  CONTROL,
  VERSION_FILES_PER_THREAD,
  type ExecutorThreadData,
  type FromThread,
  type RunMessage,
  type ThreadResult,
  type ToThread,
} from './messages.ts';

const data = workerData as ExecutorThreadData;
if (data.wasm) useCompiledWasm(data.wasm);
const port = parentPort!;
const control = new Int32Array(data.control);
const cell = new DeadlineCell(data.deadline);
let current = 0;
const isCancelled = (): boolean => current !== 0 && Atomics.load(control, CONTROL.CANCEL) === current;
const fetcher = createSyncFetcher(data.http, { isCancelled });
const packages = new Map<number, TaskPackage>();
const PACKAGE_CACHE = 200;
/** Files per version as received; mirrors the pool's per-thread `seen` list (same LRU steps). */
const files = new Map<number, { files: Record<string, string>; label: string }>();

const results = new ResultBatch((m) => port.postMessage(m));
const post = (m: FromThread): void => results.post(m);

/** The same steps as Slot.noteVersion in pool.ts, applied in the same (message) order. */
function noteVersion(r: RunMessage): void {
  const had = files.get(r.versionId);
  files.delete(r.versionId);
  if (r.files) {
    packages.delete(r.versionId);
    files.set(r.versionId, { files: r.files, label: r.label });
  } else if (had) files.set(r.versionId, had);
  if (files.size > VERSION_FILES_PER_THREAD) files.delete(files.keys().next().value!);
}

function packageFor(m: RunMessage): TaskPackage {
  const hit = packages.get(m.versionId);
  if (hit) return hit;
  const sent = files.get(m.versionId);
  if (!sent) throw new Error(`task version ${m.versionId} was never sent to this executor thread`);
  const pkg = loadTaskFromFiles(sent.files, { kind: 'store', path: sent.label });
  if (packages.size >= PACKAGE_CACHE) packages.delete(packages.keys().next().value!);
  packages.set(m.versionId, pkg);
  return pkg;
}

function failure(m: RunMessage, err: unknown): ThreadResult {
  const e = err instanceof Error ? err : new Error(String(err));
  return {
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
  };
}

/** The result without its parsed output: the output crosses as JSON text (see RunMessage). */
function threadResult(result: TaskRunResult): ThreadResult {
  const { output: _parsed, ...rest } = result;
  return rest;
}

async function run(m: RunMessage, pkg: TaskPackage): Promise<void> {
  current = m.jobId;
  const startedAt = Date.now();
  // Only the latest progress crosses to the main thread, at most every 100 ms (progress-coalescer.ts).
  const progress = new ProgressCoalescer((event) => post({ type: 'progress', seq: m.seq, event }));
  // Log lines as they happen, batched at a bounded rate (log-forwarder.ts).
  const logs = new LogForwarder((entries, dropped) => post({ type: 'logs', seq: m.seq, entries, dropped }));
  try {
    const result = await runTask(pkg, {
      inputJson: m.inputJson,
      fetch: fetcher.fetch,
      limits: data.limits,
      timeoutMs: m.timeoutMs,
      context: { executionId: m.executionUuid, ...m.context },
      onProgress: (event) => progress.report(event),
      onLog: (entry) => logs.report(entry),
      isCancelled: () => (results.poll(), progress.poll(), logs.poll(), isCancelled()),
      onDeadline: (deadline, timeoutMs) => cell.start(deadline, timeoutMs),
    });
    cell.clear(); // before the result leaves, so the watchdog never ends a thread that is done
    // What did not go out live travels with the result (messages.ts LIVE_AFTER_MS).
    results.add({
      seq: m.seq,
      result: threadResult({ ...result, startedAt }),
      progress: progress.take(),
      logs: logs.take(),
    });
  } catch (err) {
    results.add({ seq: m.seq, result: failure(m, err), progress: progress.take(), logs: logs.take() });
  } finally {
    cell.clear();
    current = 0;
    Atomics.store(control, CONTROL.RUNNING_SEQ, 0);
  }
}

/** Takes the run unless the pool withdrew it; a cancel meant for an earlier run is cleared first. */
function claim(m: RunMessage): boolean {
  Atomics.store(control, CONTROL.CANCEL, 0);
  return Atomics.compareExchange(control, CONTROL.RING + m.ring, m.seq, 0) === m.seq;
}

// The first sandbox (an instance and its snapshotted context) is built before the thread is ready,
// so a thread started ahead of its work (pool.startForWaitingWork) builds it while the worker still
// claims, and a first run is timed as a run. Runs arriving meanwhile wait for it (drain), so they
// do not build a second one. Should it fail, the first run meets the same failure and reports it.
const warmed = warmSandbox(sandboxMemoryBytes(data.limits)).catch(() => {});

const queue: RunMessage[] = [];
let draining = false;

async function drain(): Promise<void> {
  draining = true;
  try {
    await warmed;
    for (let m = queue.shift(); m !== undefined; m = queue.shift()) {
      if (!claim(m)) continue;
      let pkg: TaskPackage;
      try {
        pkg = packageFor(m);
        Atomics.store(control, CONTROL.RUNNING_SEQ, m.seq);
      } catch (err) {
        results.add({ seq: m.seq, result: failure(m, err) });
        results.flush();
        continue;
      }
      const began = performance.now();
      await run(m, pkg);
      results.settle({ versionId: m.versionId, tookMs: performance.now() - began }, queue[0]);
    }
  } finally {
    results.flush();
    draining = false;
  }
}

port.on('message', (m: ToThread) => {
  if (m.type === 'ping') {
    post({ type: 'pong', id: m.id });
    return;
  }
  for (const r of m.runs) {
    noteVersion(r);
    queue.push(r);
  }
  if (!draining) void drain();
});
await warmed;
post({ type: 'ready' });

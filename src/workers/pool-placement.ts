// Where the executor pool's runs go (pool.ts owns the threads and the waiting list; these decide
// and move): waiting runs onto the shortest thread queues, one message per thread; the unstarted
// tail of a long queue onto an idle thread (work stealing); the backlog behind each running run
// back off the threads; and a thread's result read back into a TaskRunResult.
import type { TaskRunResult } from '../runtime/run-task.ts';
import type { RunMessage, ThreadResult } from './messages.ts';
import { poolFailure, type PoolRun, type Slot } from './slot.ts';

/**
 * Takes runs from the head of `waiting` while some thread has room: the thread with the shortest
 * queue (an idle one first) gets the next run; with no idle thread, `wake` may start one in a
 * dormant slot (its messages wait until the thread is up). A run that cannot be prepared fails alone.
 */
export function placeWaiting(
  waiting: PoolRun[],
  live: Slot[],
  wake: () => Slot | undefined,
): Map<Slot, RunMessage[]> {
  const batches = new Map<Slot, RunMessage[]>();
  while (waiting.length > 0) {
    let best: Slot | undefined;
    for (const s of live) if (s.room > 0 && (!best || s.runs.size < best.runs.size)) best = s;
    if (!best || best.runs.size > 0) {
      const woken = wake();
      if (woken) {
        live.push(woken);
        best = woken;
      }
    }
    if (!best) break;
    const run = waiting.shift()!;
    let message: RunMessage;
    try {
      message = best.prepare(run);
    } catch (err) {
      if (run.seq !== undefined && best.runs.get(run.seq) === run) best.withdraw(run);
      run.resolve(
        poolFailure(
          'InternalError',
          `the run could not be prepared: ${String(err)}`,
          run.request.executionUuid,
        ),
      );
      continue;
    }
    const batch = batches.get(best);
    if (batch) batch.push(message);
    else batches.set(best, [message]);
  }
  return batches;
}

/** Sends each thread its batch in one message; a batch that cannot be sent fails its runs. */
export function postBatches(batches: Map<Slot, RunMessage[]>): void {
  for (const [slot, runs] of batches) {
    try {
      slot.worker.postMessage({ type: 'runs', runs });
    } catch (err) {
      // The thread never got them: take each back and fail it with the reason.
      for (const m of runs) {
        const run = slot.runs.get(m.seq);
        if (!run || !slot.withdraw(run)) continue;
        run.resolve(
          poolFailure(
            'InternalError',
            `the run could not be sent to its thread: ${String(err)}`,
            m.executionUuid,
          ),
        );
      }
    }
  }
}

/**
 * Work stealing: the unstarted tail (up to half) of the longest other queue, withdrawn from its
 * thread, in queue order, for `idle` to take next.
 */
export function stealFor(idle: Slot, live: Slot[]): PoolRun[] {
  let donor: Slot | undefined;
  for (const s of live) if (s !== idle && s.runs.size > (donor?.runs.size ?? 1)) donor = s;
  if (!donor || idle.exiting) return [];
  const tail = [...donor.runs.values()].slice(1).reverse();
  const take = Math.ceil(tail.length / 2);
  const taken: PoolRun[] = [];
  for (const run of tail) {
    if (taken.length >= take || !donor.withdraw(run)) break;
    taken.push(run);
  }
  return taken.reverse();
}

/** Every run queued behind another on its thread (the head is running or about to), withdrawn. */
export function withdrawQueued(slots: readonly (Slot | undefined)[]): PoolRun[] {
  const taken: PoolRun[] = [];
  for (const slot of slots) {
    if (!slot) continue;
    for (const run of [...slot.runs.values()].slice(1)) if (slot.withdraw(run)) taken.push(run);
  }
  return taken;
}

/** The run of jobId: waiting for a thread (no slot), or sent to `slot` (started or not). */
export function findRun(
  waiting: readonly PoolRun[],
  slots: readonly (Slot | undefined)[],
  jobId: number,
): { run: PoolRun; slot?: Slot } | undefined {
  const queued = waiting.find((r) => r.request.jobId === jobId);
  if (queued) return { run: queued };
  for (const slot of slots) {
    if (!slot) continue;
    for (const run of slot.runs.values()) if (run.request.jobId === jobId) return { run, slot };
  }
  return undefined;
}

/** A thread's result with its output parsed from the JSON text it crossed as (RunMessage). */
export function readThreadResult(result: ThreadResult): TaskRunResult {
  const { outputJson, ...rest } = result;
  if (outputJson === undefined) return rest;
  try {
    return { ...rest, output: JSON.parse(outputJson) as unknown };
  } catch (err) {
    return {
      ...rest,
      status: 'FAILED',
      error: { type: 'InternalError', message: `the task's output could not be read: ${String(err)}` },
    };
  }
}

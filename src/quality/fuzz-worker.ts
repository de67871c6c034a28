// A fuzzing lane on its own thread: sandboxes block the thread that runs them, so lanes that run
// at the same time need threads of their own.
import { parentPort, workerData } from 'node:worker_threads';
import type { TaskPackage } from '../tasks/types.ts';
import { fuzzLane, type FuzzLaneOptions } from './fuzz-lane.ts';

const data = workerData as { pkg: TaskPackage; opts: FuzzLaneOptions };
try {
  parentPort!.postMessage({ ok: true, result: await fuzzLane(data.pkg, data.opts) });
} catch (err) {
  parentPort!.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
}

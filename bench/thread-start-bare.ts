// One round of bench/thread-start.ts's floor, in a fresh process: a Node worker thread that loads
// nothing and answers at once, from `new Worker` to its message (first, then next, as the executor
// thread is timed). What Node's own start of a thread costs on this machine, below which no
// executor thread can start. Prints [first, next] in milliseconds.
import { Worker } from 'node:worker_threads';

const BARE = new URL(
  "data:text/javascript,import { parentPort } from 'node:worker_threads'; parentPort.postMessage(0);",
);

async function timeBareThread(): Promise<number> {
  const start = performance.now();
  const worker = new Worker(BARE);
  try {
    await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    return Math.round((performance.now() - start) * 10) / 10;
  } finally {
    await worker.terminate();
  }
}

console.log(JSON.stringify([await timeBareThread(), await timeBareThread()]));

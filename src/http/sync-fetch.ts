// Synchronous fetch for the sandbox: the guest's fetch() must return a value, so the calling
// thread posts the request to a helper thread and sleeps in Atomics.wait until the answer is
// signalled, then takes it off the port with receiveMessageOnPort (the synckit pattern).
// Works on the main thread and inside worker threads alike.
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { HttpClientOptions } from './client.ts';
import type { FetchWorkerAnswer, FetchWorkerData, FetchWorkerMessage } from './fetch-worker.ts';
import type { HttpExchange, HttpFailure, HttpRequestSpec, SyncFetch } from './types.ts';

/** Longest single sleep, so cancellation is noticed within this many milliseconds. */
const WAIT_SLICE_MS = 50;
/**
 * Extra time the caller gives the helper beyond the request's own timeout (the helper enforces
 * the timeout itself; this covers its start-up and message hops before the caller gives up).
 */
const GRACE_MS = 250;

// Running from src/ the helper is a .ts file (type stripping); from dist/ it is compiled to .js.
const WORKER_URL = new URL(
  `./fetch-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);

export interface SyncFetcherHooks {
  /** Polled while waiting; true abandons the request with a TimeoutError saying the run was cancelled. */
  isCancelled?: () => boolean;
}

export interface SyncFetcher {
  fetch: SyncFetch;
  /** Stops the helper thread; a later fetch starts a new one. */
  close(): void;
}

interface Helper {
  worker: Worker;
  port: MessagePort;
  counter: Int32Array;
}

function failure(
  request: HttpRequestSpec,
  error: HttpFailure,
  startedAt: string,
  started: number,
): HttpExchange {
  return { request, error, startedAt, durationMs: Math.round((performance.now() - started) * 1000) / 1000 };
}

export function createSyncFetcher(opts: HttpClientOptions, hooks: SyncFetcherHooks = {}): SyncFetcher {
  let helper: Helper | undefined;
  let nextId = 0;

  function startHelper(): Helper {
    const { port1, port2 } = new MessageChannel();
    const signal = new SharedArrayBuffer(4);
    const data: FetchWorkerData = { port: port2, signal, opts };
    const worker = new Worker(WORKER_URL, { workerData: data, transferList: [port2] });
    // Never keep the process alive for the helper; it only works while a caller is waiting.
    worker.unref();
    port1.unref();
    const started: Helper = { worker, port: port1, counter: new Int32Array(signal) };
    const forget = (): void => {
      if (helper === started) helper = undefined;
      port1.close();
    };
    // Without an 'error' listener a crashing helper would take the whole process down; a
    // crashed helper is replaced on the next fetch (the waiting caller sees a timeout).
    worker.on('error', forget);
    worker.on('exit', forget);
    return started;
  }

  function fetch(request: HttpRequestSpec, timeoutMs: number): HttpExchange {
    const startedAt = new Date().toISOString();
    const started = performance.now();
    const budget = Math.max(0, Math.min(timeoutMs, opts.timeoutMs));
    const cancelled: HttpFailure = {
      type: 'TimeoutError',
      message: `request to ${request.url} cancelled: the run was cancelled`,
    };
    if (hooks.isCancelled?.()) return failure(request, cancelled, startedAt, started);
    helper ??= startHelper();
    const { port, counter } = helper;
    // Ids let a late answer to an abandoned request be told apart from this request's answer.
    const id = ++nextId;
    port.postMessage({ kind: 'request', id, request, timeoutMs: budget } satisfies FetchWorkerMessage);
    const deadline = started + budget + GRACE_MS;
    for (;;) {
      // Read the counter before draining: an answer posted after the drain changes it, so the
      // wait below returns at once instead of sleeping past it.
      const seen = Atomics.load(counter, 0);
      for (let msg = receiveMessageOnPort(port); msg !== undefined; msg = receiveMessageOnPort(port)) {
        const answer = msg.message as FetchWorkerAnswer;
        if (answer.id === id) return { request, ...answer.exchange };
      }
      const giveUp = hooks.isCancelled?.()
        ? cancelled
        : performance.now() >= deadline
          ? ({
              type: 'TimeoutError',
              message: `request to ${request.url} timed out after ${budget} ms`,
            } as const)
          : undefined;
      if (giveUp) {
        port.postMessage({ kind: 'abort', id } satisfies FetchWorkerMessage);
        return failure(request, giveUp, startedAt, started);
      }
      const remaining = deadline - performance.now();
      Atomics.wait(counter, 0, seen, Math.max(1, Math.min(WAIT_SLICE_MS, remaining)));
    }
  }

  function close(): void {
    const current = helper;
    helper = undefined;
    if (current) {
      current.port.close();
      void current.worker.terminate();
    }
  }

  return { fetch, close };
}

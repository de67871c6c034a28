// Helper thread behind createSyncFetcher: performs requests asynchronously while the calling
// thread sleeps in Atomics.wait. Each answer is posted on the private port first and only then
// signalled through the shared counter, so a woken caller always finds the message waiting.
import type { MessagePort } from 'node:worker_threads';
import { workerData } from 'node:worker_threads';
import { performRequest } from './client.ts';
import type { HttpClientOptions } from './client.ts';
import type { HttpExchange, HttpRequestSpec } from './types.ts';

export interface FetchWorkerData {
  port: MessagePort;
  /** Int32 slot 0 counts answers posted; the caller waits for it to change. */
  signal: SharedArrayBuffer;
  opts: HttpClientOptions;
}

export type FetchWorkerMessage =
  | { kind: 'request'; id: number; request: HttpRequestSpec; timeoutMs: number }
  | { kind: 'abort'; id: number };

export interface FetchWorkerAnswer {
  id: number;
  /** Without the request: the caller has it, and copying a large body back would only cost memory. */
  exchange: Omit<HttpExchange, 'request'>;
}

const { port, signal, opts } = workerData as FetchWorkerData;
const counter = new Int32Array(signal);
const inFlight = new Map<number, AbortController>();

function answer(id: number, { request: _sent, ...exchange }: HttpExchange): void {
  inFlight.delete(id);
  port.postMessage({ id, exchange } satisfies FetchWorkerAnswer);
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
}

port.on('message', (message: FetchWorkerMessage) => {
  if (message.kind === 'abort') {
    // The caller gave up (timeout or cancelled run): stop the request instead of letting it run on.
    inFlight.get(message.id)?.abort();
    return;
  }
  const { id, request, timeoutMs } = message;
  const controller = new AbortController();
  inFlight.set(id, controller);
  const startedAt = new Date().toISOString();
  performRequest(request, opts, timeoutMs, controller.signal).then(
    (exchange) => answer(id, exchange),
    // performRequest never rejects; this guards the caller from waiting out its timeout if it ever did.
    (error: unknown) =>
      answer(id, {
        request,
        error: { type: 'NetworkError', message: `request to ${request.url} failed: ${String(error)}` },
        startedAt,
        durationMs: 0,
      }),
  );
});

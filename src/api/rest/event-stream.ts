// Opening a server-sent-events response on a Fastify route: the reply is taken over, the headers
// set so no proxy buffers or caches it (keeping the ones Fastify hooks already set, such as CORS),
// a comment line opens it, and heartbeat comments keep idle connections from timing out.
import type { FastifyReply } from 'fastify';

export const HEARTBEAT_MS = 15_000;

export interface EventStream {
  /** Writes one event with the next id; nothing once the stream is closed. */
  send(event: string, data: unknown): void;
  /** Ends the response (once). */
  close(): void;
  /** Called once when the stream ends, from either side. */
  onClose(fn: () => void): void;
}

export function openEventStream(reply: FastifyReply, what: string, heartbeatMs = HEARTBEAT_MS): EventStream {
  reply.hijack();
  const res = reply.raw;
  const headers: Record<string, string | string[] | number> = {};
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = v;
  res.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(`: stream of ${what}\n\n`);
  let seq = 0;
  let closed = false;
  const listeners: (() => void)[] = [];
  const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
  const close = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const fn of listeners) fn();
    res.end();
  };
  res.on('close', close);
  return {
    send(event, data) {
      if (!closed) res.write(`id: ${++seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    close,
    onClose: (fn) => listeners.push(fn),
  };
}

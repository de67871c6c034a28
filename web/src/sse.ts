// Server-sent events over fetch: EventSource cannot send the Authorization header, so the stream is
// read from a fetch body and split into events by parseSse.
import { authHeaders } from './api.ts';
import { parseSse, type SseEvent } from './sse-parse.ts';

export type { SseEvent };

/** Follows an SSE endpoint until it ends or `signal` aborts. */
export async function followEvents(
  path: string,
  onEvent: (e: SseEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const res = await fetch(`/api/v1${path}`, {
    headers: { accept: 'text/event-stream', ...authHeaders() },
    signal,
  });
  if (!res.ok || !res.body) throw new Error(`event stream ${path}: HTTP ${res.status}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    const parsed = parseSse(buffer);
    buffer = parsed.rest;
    for (const e of parsed.events) onEvent(e);
  }
}

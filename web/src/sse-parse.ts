// The text/event-stream format, parsed: blank-line separated blocks of `event:`/`data:` fields;
// lines starting with ':' are comments (the server's heartbeats). No DOM here, so node:test covers it
// (test/dashboard-sse.test.ts).
export interface SseEvent {
  event: string;
  data: string;
}

/** Splits a chunked stream into events; returns the events complete so far and the remainder. */
export function parseSse(buffer: string): { events: SseEvent[]; rest: string } {
  const events: SseEvent[] = [];
  const blocks = buffer.replace(/\r\n?/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':') || line === '') continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) events.push({ event, data: data.join('\n') });
  }
  return { events, rest };
}

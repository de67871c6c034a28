// Live log lines across nodes (PostgreSQL): the lines a task writes while it runs reach this
// process's watchers through the job event hub; a node that runs the job also NOTIFYs them on
// LOGS_CHANNEL, and a node with watchers LISTENs there, so an execution running on another node
// streams its lines as they happen (REST SSE, GraphQL executionUpdated, MCP) instead of with the
// final event only. The lines of every execution written in one turn of the event loop go out in
// as few NOTIFYs as fit (a busy worker finishes a group of quick runs in one turn; one NOTIFY per
// run halved PostgreSQL's throughput for a task that logs a line). NOTIFY payloads are capped below
// PostgreSQL's 8,000 bytes: one execution's batch that does not fit sends what fits and counts the
// rest as dropped (the stored result keeps every line).
import { sql } from 'kysely';
import type { Ratchet } from './context.ts';
import type { LogEntry } from '../runtime/types.ts';
import type { JobLogEvent } from '../queue/events.ts';
import { pgListen } from '../store/pg-listen.ts';

export const LOGS_CHANNEL = 'ratchet_logs';
const MAX_PAYLOAD_BYTES = 7900;
const MAX_MESSAGE_CHARS = 2000;

/** One execution's lines on the wire. */
interface WireBatch {
  e: number;
  l: LogEntry[];
  d: number;
}

/** A payload: the sending application (its notifier's origin, so a node ignores its own lines). */
interface WireLogs {
  o: string;
  /** Every execution's lines in this payload. */
  b: WireBatch[];
}

/**
 * A payload's text around its batches' texts (each batch serialised once, then joined): the same
 * text JSON.stringify gives a WireLogs.
 */
const payloadText = (origin: string, batches: readonly string[]): string =>
  `{"o":${JSON.stringify(origin)},"b":[${batches.join(',')}]}`;

/**
 * One execution's lines as batch text, halved until they fit a payload of their own (the rest
 * counted as dropped). `room`: the bytes a payload has for its batches.
 */
function fitBatch(e: JobLogEvent, room: number): { text: string; bytes: number } {
  const lines = e.entries.map((x) =>
    x.message.length > MAX_MESSAGE_CHARS ? { ...x, message: `${x.message.slice(0, MAX_MESSAGE_CHARS)}…` } : x,
  );
  for (let kept = lines.length; ; kept = Math.floor(kept / 2)) {
    const batch: WireBatch = {
      e: e.executionId,
      l: lines.slice(0, kept),
      d: e.dropped + lines.length - kept,
    };
    const text = JSON.stringify(batch);
    const bytes = Buffer.byteLength(text);
    if (kept === 0 || bytes <= room) return { text, bytes };
  }
}

/** The payloads that carry these events' lines, each under MAX_PAYLOAD_BYTES, in order. */
export function encodeLogs(origin: string, events: readonly JobLogEvent[]): string[] {
  const payloads: string[] = [];
  const room = MAX_PAYLOAD_BYTES - Buffer.byteLength(payloadText(origin, []));
  let open: string[] = [];
  let used = 0;
  for (const e of events) {
    const batch = fitBatch(e, room);
    // A comma before each batch but the first.
    if (open.length > 0 && used + 1 + batch.bytes > room) {
      payloads.push(payloadText(origin, open));
      open = [];
      used = 0;
    }
    used += (open.length > 0 ? 1 : 0) + batch.bytes;
    open.push(batch.text);
  }
  if (open.length > 0) payloads.push(payloadText(origin, open));
  return payloads;
}

/** The payload's batches, or undefined when it is not one (a node of another version, say). */
export function decodeLogs(payload: string): { origin: string; batches: WireBatch[] } | undefined {
  try {
    const w = JSON.parse(payload) as Partial<WireLogs>;
    if (typeof w.o !== 'string' || !Array.isArray(w.b)) return undefined;
    const batches = w.b.filter(
      (x): x is WireBatch => typeof x?.e === 'number' && Array.isArray(x.l) && typeof x.d === 'number',
    );
    return { origin: w.o, batches };
  } catch {
    return undefined;
  }
}

/** Sends the lines this process's runs write to the other nodes (wired by the root). */
export function shareLiveLogs(app: Ratchet): () => void {
  if (app.store.dialect !== 'postgres') return () => {};
  const origin = app.queue.notifier.origin;
  let pending: JobLogEvent[] = [];
  const send = (): void => {
    const events = pending;
    pending = [];
    for (const payload of encodeLogs(origin, events)) {
      // Best effort, as live lines are: a failed NOTIFY only means watchers elsewhere see the
      // lines with the final event.
      sql`select pg_notify(${LOGS_CHANNEL}, ${payload})`.execute(app.store.db).catch(() => {});
    }
  };
  return app.jobEvents.onLogs((e) => {
    if (pending.length === 0) setImmediate(send);
    pending.push(e);
  });
}

/**
 * Starts listening for other nodes' lines (once per application, on the first watch); resolves
 * when LISTEN works. SQLite has no other nodes: nothing to do.
 */
export function followRemoteLogs(app: Ratchet): Promise<void> {
  if (app.store.dialect !== 'postgres') return Promise.resolve();
  const slot = app.jobWatch;
  if (!slot.logs) {
    const origin = app.queue.notifier.origin;
    slot.logs = pgListen(app.config.server.database.url, LOGS_CHANNEL, (payload) => {
      const w = decodeLogs(payload);
      if (!w || w.origin === origin) return;
      for (const b of w.batches)
        app.executionEvents.emit(String(b.e), { type: 'log', executionId: b.e, entries: b.l, dropped: b.d });
    });
  }
  // A failed first LISTEN retries by itself; watchers meanwhile get the lines with the final event.
  return slot.logs.ready.catch(() => {});
}

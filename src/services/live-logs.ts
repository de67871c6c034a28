// Live log lines across nodes (PostgreSQL): the lines a task writes while it runs reach this
// process's watchers through the job event hub; a node that runs the job also NOTIFYs them on
// LOGS_CHANNEL, and a node with watchers LISTENs there, so an execution running on another node
// streams its lines as they happen (REST SSE, GraphQL executionUpdated, MCP) instead of with the
// final event only. NOTIFY payloads are capped below PostgreSQL's 8,000 bytes: a batch that does
// not fit sends what fits and counts the rest as dropped (the stored result keeps every line).
import { sql } from 'kysely';
import type { Ratchet } from './context.ts';
import type { LogEntry } from '../runtime/types.ts';
import type { JobLogEvent } from '../queue/events.ts';
import { pgListen } from '../store/pg-listen.ts';

export const LOGS_CHANNEL = 'ratchet_logs';
const MAX_PAYLOAD_BYTES = 7900;
const MAX_MESSAGE_CHARS = 2000;

interface WireLogs {
  /** The sending application (its notifier's origin), so a node ignores its own lines. */
  o: string;
  e: number;
  l: LogEntry[];
  d: number;
}

export function encodeLogs(origin: string, e: JobLogEvent): string {
  const lines = e.entries.map((x) =>
    x.message.length > MAX_MESSAGE_CHARS ? { ...x, message: `${x.message.slice(0, MAX_MESSAGE_CHARS)}…` } : x,
  );
  for (let kept = lines.length; ; kept = Math.floor(kept / 2)) {
    const wire: WireLogs = {
      o: origin,
      e: e.executionId,
      l: lines.slice(0, kept),
      d: e.dropped + lines.length - kept,
    };
    const text = JSON.stringify(wire);
    if (kept === 0 || Buffer.byteLength(text) <= MAX_PAYLOAD_BYTES) return text;
  }
}

function decodeLogs(payload: string): WireLogs | undefined {
  try {
    const w = JSON.parse(payload) as WireLogs;
    return typeof w.e === 'number' && Array.isArray(w.l) ? w : undefined;
  } catch {
    return undefined;
  }
}

/** Sends the lines this process's runs write to the other nodes (wired by the root). */
export function shareLiveLogs(app: Ratchet): () => void {
  if (app.store.dialect !== 'postgres') return () => {};
  const origin = app.queue.notifier.origin;
  return app.jobEvents.onLogs((e) => {
    // Best effort, as live lines are: a failed NOTIFY only means watchers elsewhere see the lines
    // with the final event.
    sql`select pg_notify(${LOGS_CHANNEL}, ${encodeLogs(origin, e)})`.execute(app.store.db).catch(() => {});
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
      if (!w || w.o === origin) return;
      app.executionEvents.emit(String(w.e), { type: 'log', executionId: w.e, entries: w.l, dropped: w.d });
    });
  }
  // A failed first LISTEN retries by itself; watchers meanwhile get the lines with the final event.
  return slot.logs.ready.catch(() => {});
}

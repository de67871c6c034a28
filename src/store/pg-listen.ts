// One dedicated LISTEN connection to a PostgreSQL channel, reconnected with backoff when it drops
// (100 ms doubling to 5 s). The queue's wake-ups (queue/backends/pg-notifier.ts) and live log lines
// shared between nodes (services/live-logs.ts) each hold one per process.
import type pg from 'pg';
import { backoffDelay } from '../backoff.ts';

const RECONNECT = { initialMs: 100, maxMs: 5000 };

export interface PgListener {
  /** Resolves once LISTEN works (or rejects with why the first attempt failed; retries go on). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Listens on `channel`; `onPayload` gets each notification's payload, `onListening` runs each time
 * LISTEN (re)starts working, so the caller can catch up on what it missed meanwhile.
 */
export function pgListen(
  url: string,
  channel: string,
  onPayload: (payload: string) => void,
  onListening: () => void = () => {},
): PgListener {
  let client: pg.Client | undefined;
  let closed = false;
  let reconnects = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let connecting: Promise<void> | undefined;

  const connect = async (): Promise<void> => {
    // Loaded here, not at import: an SQLite node never needs the PostgreSQL driver.
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (msg) => onPayload(msg.payload ?? ''));
    // Errors while connecting reach the rejection below instead (client !== c until LISTEN works).
    c.on('error', () => dropped(c));
    c.on('end', () => dropped(c));
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
    } catch (err) {
      await c.end().catch(() => {});
      throw err;
    }
    if (closed) {
      await c.end().catch(() => {});
      return;
    }
    client = c;
    reconnects = 0;
    onListening();
  };
  // The connection died: forget it (only once per client) and start retrying.
  const dropped = (c: pg.Client): void => {
    if (client !== c) return;
    client = undefined;
    c.removeAllListeners('notification');
    void c.end().catch(() => {});
    scheduleReconnect();
  };
  const scheduleReconnect = (): void => {
    if (closed || retryTimer || connecting) return;
    retryTimer = setTimeout(
      () => {
        retryTimer = undefined;
        if (closed || client || connecting) return;
        connecting = connect()
          .catch(() => {})
          .finally(() => {
            connecting = undefined;
            if (!client) scheduleReconnect();
          });
      },
      backoffDelay(RECONNECT, reconnects++),
    );
    retryTimer.unref();
  };

  const first = connect();
  // A failed first attempt rejects `ready`; retrying starts once `connecting` is cleared.
  connecting = first
    .catch(() => void setImmediate(scheduleReconnect))
    .finally(() => {
      connecting = undefined;
    });
  return {
    ready: first,
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      await connecting?.catch(() => {});
      const c = client;
      client = undefined;
      if (c) await c.end().catch(() => {});
    },
  };
}

// The PostgreSQL notifier: NOTIFY on JOBS_CHANNEL reaches every process; each subscriber process
// holds one dedicated LISTEN connection (reconnected with backoff when it drops).
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type pg from 'pg';
import type { Db } from '../../store/codec.ts';
import { JOBS_CHANNEL, type Notifier } from '../notifier.ts';
import { backoffDelay } from '../../backoff.ts';

const RECONNECT = { initialMs: 100, maxMs: 5000 };

export function pgNotifier(db: Db, url: string | undefined): Notifier {
  const subscribers = new Set<() => void>();
  const origin = randomUUID();
  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let closed = false;
  /** Reconnect attempts since LISTEN last worked: 100 ms, doubling up to 5 s. */
  let reconnects = 0;
  let retryTimer: NodeJS.Timeout | undefined;

  const wakeAll = (): void => {
    for (const fn of subscribers) fn();
  };

  const connect = async (): Promise<void> => {
    if (!url) throw new Error('the PostgreSQL notifier needs the database URL to LISTEN');
    // Loaded here, not at import: an SQLite node never needs the PostgreSQL driver.
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (msg) => {
      if (msg.payload !== origin) wakeAll();
    });
    // A dropped LISTEN connection is re-opened with backoff; meanwhile the slow poll covers.
    // Errors while connecting reach the rejection below instead (client !== c until LISTEN works).
    c.on('error', () => dropped(c));
    c.on('end', () => dropped(c));
    try {
      await c.connect();
      await c.query(`LISTEN ${JOBS_CHANNEL}`);
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
    // Anything enqueued while we were not listening is picked up now.
    wakeAll();
  };
  // The listening connection died: forget it (only once per client) and start retrying.
  const dropped = (c: pg.Client): void => {
    if (client !== c) return;
    client = undefined;
    c.removeAllListeners('notification');
    void c.end().catch(() => {});
    scheduleReconnect();
  };
  // Keeps trying, with backoff up to 5 s, until a connection listens again or close() is called.
  // It does not depend on any client, so a failed attempt schedules the next one.
  const scheduleReconnect = (): void => {
    if (closed || retryTimer || connecting || subscribers.size === 0) return;
    retryTimer = setTimeout(
      () => {
        retryTimer = undefined;
        // subscribe() may have connected meanwhile.
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

  return {
    origin,
    async notify() {
      // In-process subscribers learn at once; other processes through NOTIFY.
      wakeAll();
      await sql`select pg_notify(${JOBS_CHANNEL}, ${origin})`.execute(db);
    },
    wakeHere: wakeAll,
    async subscribe(fn) {
      subscribers.add(fn);
      if (!client && !connecting) {
        connecting = connect().finally(() => {
          connecting = undefined;
        });
      }
      await connecting;
      return () => {
        subscribers.delete(fn);
      };
    },
    async close() {
      closed = true;
      subscribers.clear();
      if (retryTimer) clearTimeout(retryTimer);
      await connecting?.catch(() => {});
      const c = client;
      client = undefined;
      if (c) await c.end().catch(() => {});
    },
  };
}

// Wake-up without polling delay. Enqueue, retry and cancel call notify(); workers subscribe.
// - PostgreSQL: NOTIFY on the channel below reaches every process; each subscriber process holds
//   one dedicated LISTEN connection (reconnected with backoff when it drops).
// - SQLite: an in-process signal for this process's own writes, plus `PRAGMA data_version` read
//   every few milliseconds while someone subscribes: it changes exactly when another process
//   committed, so a separate `ratchet worker` on the same file wakes within that interval.
// Workers also poll slowly (server.job_queue.poll_interval_ms) as a safety net.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { sql } from 'kysely';
import type pg from 'pg';
import type { Store } from '../store/database.ts';

export const JOBS_CHANNEL = 'ratchet_jobs';
const DATA_VERSION_INTERVAL_MS = 20;

export interface Notifier {
  /**
   * The NOTIFY payload this notifier sends (PostgreSQL). Its own LISTEN connection ignores
   * notifications carrying it: its subscribers were already woken directly, and a second wake-up
   * per enqueue would cost a second (empty) claim.
   */
  readonly origin: string;
  /** Tells subscribers here (and on PostgreSQL in every process) that the queue changed. */
  notify(): Promise<void>;
  /** Tells only this process's subscribers (the caller notified other processes itself). */
  wakeHere(): void;
  /** Calls fn on each wake-up until the returned function is called. */
  subscribe(fn: () => void): Promise<() => void>;
  close(): Promise<void>;
}

export interface NotifierOptions {
  /** PostgreSQL: the unmasked connection URL for the LISTEN connection. */
  url?: string;
}

export function createNotifier(store: Store, opts: NotifierOptions = {}): Notifier {
  return store.dialect === 'postgres' ? pgNotifier(store, opts.url) : sqliteNotifier(store);
}

function sqliteNotifier(store: Store): Notifier {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let timer: NodeJS.Timeout | undefined;
  let lastVersion: number | undefined;
  let checking = false;

  const check = async (): Promise<void> => {
    if (checking) return;
    checking = true;
    try {
      const { rows } = await sql<{ data_version: number }>`pragma data_version`.execute(store.db);
      const version = Number(rows[0]?.data_version);
      if (lastVersion !== undefined && version !== lastVersion) emitter.emit('wake');
      lastVersion = version;
    } catch {
      // The store is closing or busy; the next tick tries again.
    } finally {
      checking = false;
    }
  };
  const startWatching = (): void => {
    if (timer) return;
    timer = setInterval(() => void check(), DATA_VERSION_INTERVAL_MS);
    timer.unref();
  };
  const stopWatching = (): void => {
    if (emitter.listenerCount('wake') > 0 || !timer) return;
    clearInterval(timer);
    timer = undefined;
    lastVersion = undefined;
  };

  return {
    origin: randomUUID(),
    notify() {
      emitter.emit('wake');
      return Promise.resolve();
    },
    wakeHere() {
      emitter.emit('wake');
    },
    subscribe(fn) {
      emitter.on('wake', fn);
      startWatching();
      return Promise.resolve(() => {
        emitter.off('wake', fn);
        stopWatching();
      });
    },
    close() {
      emitter.removeAllListeners();
      stopWatching();
      return Promise.resolve();
    },
  };
}

function pgNotifier(store: Store, url: string | undefined): Notifier {
  const subscribers = new Set<() => void>();
  const origin = randomUUID();
  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let closed = false;
  let retryDelay = 100;
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
    retryDelay = 100;
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
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      // subscribe() may have connected meanwhile.
      if (closed || client || connecting) return;
      connecting = connect()
        .catch(() => {})
        .finally(() => {
          connecting = undefined;
          if (!client) scheduleReconnect();
        });
    }, retryDelay);
    retryTimer.unref();
    retryDelay = Math.min(retryDelay * 2, 5000);
  };

  return {
    origin,
    async notify() {
      // In-process subscribers learn at once; other processes through NOTIFY.
      wakeAll();
      await sql`select pg_notify(${JOBS_CHANNEL}, ${origin})`.execute(store.db);
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

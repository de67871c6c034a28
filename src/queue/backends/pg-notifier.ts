// The PostgreSQL notifier: NOTIFY on JOBS_CHANNEL reaches every process; each subscriber process
// holds one dedicated LISTEN connection (store/pg-listen.ts: reconnected with backoff when it drops).
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../store/codec.ts';
import { pgListen, type PgListener } from '../../store/pg-listen.ts';
import { JOBS_CHANNEL, type Notifier } from '../notifier.ts';

export function pgNotifier(db: Db, url: string | undefined): Notifier {
  const subscribers = new Set<() => void>();
  const origin = randomUUID();
  let listener: PgListener | undefined;
  let closed = false;

  const wakeAll = (): void => {
    for (const fn of subscribers) fn();
  };

  const listen = async (): Promise<void> => {
    if (!url) throw new Error('the PostgreSQL notifier needs the database URL to LISTEN');
    // Anything enqueued while we were not listening is picked up each time LISTEN starts working.
    const l = (listener = pgListen(url, JOBS_CHANNEL, (payload) => payload !== origin && wakeAll(), wakeAll));
    try {
      await l.ready;
    } catch (err) {
      // The first attempt failed: the subscriber hears why, and the next subscribe tries afresh.
      if (listener === l) listener = undefined;
      await l.close();
      throw err;
    }
    if (closed) await l.close();
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
      if (listener) await listener.ready;
      else await listen();
      return () => {
        subscribers.delete(fn);
      };
    },
    async close() {
      closed = true;
      subscribers.clear();
      await listener?.close();
      listener = undefined;
    },
  };
}

// The SQLite notifier: an in-process signal for this process's own writes, plus
// `PRAGMA data_version` read every few milliseconds while someone subscribes: it changes exactly
// when another process committed, so a separate `ratchet worker` on the same file wakes within
// that interval.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { sql } from 'kysely';
import type { Db } from '../../store/codec.ts';
import type { Notifier } from '../notifier.ts';

const DATA_VERSION_INTERVAL_MS = 20;

export function sqliteNotifier(db: Db): Notifier {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let timer: NodeJS.Timeout | undefined;
  let lastVersion: number | undefined;
  let checking = false;

  const check = async (): Promise<void> => {
    if (checking) return;
    checking = true;
    try {
      const { rows } = await sql<{ data_version: number }>`pragma data_version`.execute(db);
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

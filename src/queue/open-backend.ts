// Picks the queue backend for the store's engine: the one place the queue asks which it is.
import type { Store } from '../store/database.ts';
import type { QueueBackend } from './backend.ts';
import { QueueCaches } from './caches.ts';
import { postgresQueueBackend } from './backends/postgres.ts';
import { sqliteQueueBackend } from './backends/sqlite.ts';

export interface QueueBackendOptions {
  /** PostgreSQL: the unmasked connection URL for the notifier's LISTEN connection. */
  url?: string;
  /** The application's queue caches (claims re-read the metadata-limit flag through them). */
  caches?: QueueCaches;
}

export function openQueueBackend(store: Store, opts: QueueBackendOptions = {}): QueueBackend {
  if (store.dialect === 'postgres') {
    return postgresQueueBackend(store, { url: opts.url, caches: opts.caches ?? new QueueCaches() });
  }
  return sqliteQueueBackend(store);
}

// The composition root: builds the object graph once, from the configuration, for every
// long-lived entry point (commands that use the store, `serve`, `worker`, MCP) and for tests.
// Later parts (queue, workers, scheduler, registry, HTTP server) hang off this object.
import type { RatchetConfig } from './config/schema.ts';
import { openDatabase, type Store } from './store/database.ts';
import { migrateToLatest } from './store/migrate.ts';
import { createNotifier, type Notifier } from './queue/notifier.ts';
import { enableOutputDelivery } from './services/delivery.ts';
import { startWorkerNode, type WorkerNode, type WorkerNodeOptions } from './workers/worker-process.ts';

export interface Ratchet {
  config: RatchetConfig;
  store: Store;
  /** Queue wake-ups: enqueue/retry/cancel notify, workers subscribe (src/queue/notifier.ts). */
  notifier: Notifier;
  /** Closes everything opened here; safe to call twice. */
  close(): Promise<void>;
}

export interface CreateRatchetOptions {
  /** Apply pending migrations before returning (default true: start-up always migrates). */
  migrate?: boolean;
}

export async function createRatchet(
  config: RatchetConfig,
  opts: CreateRatchetOptions = {},
): Promise<Ratchet> {
  const { url, max_connections, connection_timeout } = config.server.database;
  const store = await openDatabase({
    url,
    maxConnections: max_connections,
    connectionTimeoutMs: connection_timeout * 1000,
  });
  try {
    if (opts.migrate !== false) await migrateToLatest(store);
  } catch (err) {
    await store.close();
    throw err;
  }
  let closed = false;
  const notifier = createNotifier(store, { url });
  const app: Ratchet = {
    config,
    store,
    notifier,
    async close() {
      if (closed) return;
      closed = true;
      await notifier.close();
      await store.close();
    },
  };
  // Jobs this process finishes have their output delivered to their destinations.
  enableOutputDelivery(app);
  return app;
}

/**
 * Starts a worker node in this process (executor pool + claim loop + heartbeat): what
 * `ratchet worker` runs, and what `ratchet serve` runs in-process when server.workers.embedded.
 * Call `stop()` before `app.close()`.
 */
export function startWorkers(app: Ratchet, opts: WorkerNodeOptions = {}): Promise<WorkerNode> {
  return startWorkerNode(app, opts);
}

// The composition root: builds the application context once, from the configuration, and owns its
// lifecycle. Every long-lived entry point (`serve`, `worker`, `mcp-serve`, the commands that use
// the store, tests) calls createRatchet, then start() for the background work it wants, then
// stop()/close(). Services receive the context type (services/context.ts) and never import this.
import type { RatchetConfig } from './config/schema.ts';
import { openDatabase } from './store/database.ts';
import { migrateToLatest } from './store/migrate.ts';
import { openQueueBackend } from './queue/open-backend.ts';
import { JobEventHub } from './queue/events.ts';
import { DispatcherSlot } from './queue/direct-dispatch.ts';
import { QueueCaches } from './queue/caches.ts';
import { SourceLocks } from './registry/lock.ts';
import type { Ratchet } from './services/context.ts';
import { JobWatchSlot } from './services/job-watch.ts';
import { enableOutputDelivery } from './services/delivery.ts';
import { enableRunDelivery } from './services/workflows/delivery.ts';
import { shareLiveLogs } from './services/live-logs.ts';
import { enableWorkflows } from './services/workflows/index.ts';
import { createExecutionBus, publishFinishedJobs } from './services/execution-events.ts';
import { DirectExecution, closeDirectExecution } from './services/direct-execution.ts';
import { endAppThreads } from './services/app-threads.ts';
import { startWorkerNode, type WorkerNode, type WorkerNodeOptions } from './workers/worker-process.ts';
import { startBackground, type Background, type StartOptions } from './lifecycle.ts';

export type { Ratchet } from './services/context.ts';
export type { StartOptions } from './lifecycle.ts';

export interface RatchetApp extends Ratchet {
  /**
   * Starts the background work asked for (registry sync + watch + refresh, a worker node, the
   * scheduler), in that order; what started is stopped again if a later part fails. Once only.
   */
  start(opts: StartOptions): Promise<Background>;
  /** What start() started, once it has. */
  readonly background: Background | undefined;
  /**
   * Ends the threads that serve single requests (synchronous executions, test runs): their callers
   * get a ShuttingDownError. The REST server calls it when its grace period ends.
   */
  endRequestThreads(): Promise<void>;
  /**
   * Graceful stop, in reverse start order: scheduler, registry watchers and timers, the worker
   * node (running jobs get graceMs, default server.workers.shutdown_grace_seconds), job-finished
   * listeners (deliveries) drained, request threads ended. Safe to call twice; no-op unstarted.
   */
  stop(graceMs?: number): Promise<void>;
  /** stop(), then the notifier and the store. Safe to call twice. */
  close(): Promise<void>;
}

export interface CreateRatchetOptions {
  /** Apply pending migrations before returning (default true: start-up always migrates). */
  migrate?: boolean;
}

export async function createRatchet(
  config: RatchetConfig,
  opts: CreateRatchetOptions = {},
): Promise<RatchetApp> {
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
  const queueCaches = new QueueCaches();
  const context: Ratchet = {
    config,
    store,
    queue: openQueueBackend(store, { url, caches: queueCaches }),
    jobEvents: new JobEventHub(),
    executionEvents: createExecutionBus(),
    deliveryObservers: new Set(),
    dispatch: new DispatcherSlot(),
    queueCaches,
    directExecution: new DirectExecution(),
    enqueueTargets: new Map(),
    sourceLocks: new SourceLocks(),
    threads: new Map(),
    jobWatch: new JobWatchSlot(),
    listeningPorts: [],
  };
  let background: Background | undefined;
  let starting: Promise<Background> | undefined;
  let stopping: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  const endRequestThreads = async (): Promise<void> => {
    endAppThreads(context);
    await closeDirectExecution(context);
  };
  const app: RatchetApp = Object.assign(context, {
    get background() {
      return background;
    },
    start(startOpts: StartOptions) {
      if (starting) throw new Error('this application was already started');
      starting = startBackground(context, startOpts).then((b) => (background = b));
      return starting;
    },
    endRequestThreads,
    stop(graceMs?: number) {
      stopping ??= (async () => {
        await starting?.catch(() => undefined);
        const grace = graceMs ?? config.server.workers.shutdown_grace_seconds * 1000;
        await background?.stop(grace);
        // Deliveries of jobs finished here get the same grace (at least 5 s): a webhook still
        // retrying when `ratchet worker` stops used to have the whole grace period, keep that.
        await context.jobEvents.drain(Math.max(5000, grace));
        await endRequestThreads();
      })();
      return stopping;
    },
    close() {
      closing ??= (async () => {
        await app.stop();
        await context.jobWatch.close();
        await context.queue.notifier.close();
        await store.close();
      })();
      return closing;
    },
  });
  // Jobs this process finishes have their output delivered and their final status published.
  enableOutputDelivery(app);
  publishFinishedJobs(app);
  shareLiveLogs(app);
  // Step results advance their workflow runs in the same transaction; a run that ends has its
  // result delivered to the run's destinations.
  enableWorkflows(app);
  enableRunDelivery(app);
  return app;
}

/**
 * Starts a worker node in this process (executor pool + claim loop + heartbeat) outside the
 * lifecycle (tests and benchmarks that drive one node directly). Call `stop()` before `close()`.
 */
export function startWorkers(app: Ratchet, opts: WorkerNodeOptions = {}): Promise<WorkerNode> {
  return startWorkerNode(app, opts);
}

// One worker node: the executor pool, the claim loop, and the node's row in `workers` (heartbeat
// with capacity, running jobs, totals and version; stale nodes marked OFFLINE). Used by
// `ratchet worker` and, when server.workers.embedded, by `ratchet serve` (through startWorkers).
import { hostname, availableParallelism } from 'node:os';
import { ratchetVersion } from '../version.ts';
import { randomBytes } from 'node:crypto';
import type { RatchetConfig } from '../config/schema.ts';
import { parseByteSize } from '../config/bytes.ts';
import type { Store } from '../store/database.ts';
import type { QueueBackend } from '../queue/backend.ts';
import { heartbeatWorker, markStaleWorkersOffline, registerWorker } from '../store/repos/workers.ts';
import { pruneFinished, retentionCutoffs } from '../queue/prune.ts';
import type { JobEventHub } from '../queue/events.ts';
import type { DispatcherSlot } from '../queue/direct-dispatch.ts';
import type { QueueCaches } from '../queue/caches.ts';
import type { QueueClock } from '../queue/clock.ts';
import { httpOptionsFromConfig, runtimeLimitsFromConfig } from '../runtime/settings.ts';
import { ExecutorPool } from './pool.ts';
import { QueueWorker } from './queue-worker.ts';
import { PauseGate } from '../queue/pause-gate.ts';
import { anyJobDue } from '../queue/count-claimable.ts';

/** What a worker node needs of the application (the services' context satisfies it). */
export interface WorkerApp {
  config: RatchetConfig;
  store: Store;
  queue: QueueBackend;
  jobEvents: JobEventHub;
  dispatch: DispatcherSlot;
  queueCaches: QueueCaches;
  listeningPorts: readonly number[];
}

export interface WorkerNodeOptions {
  /** Default `<hostname>-<pid>-<random>`. */
  workerId?: string;
  /** Executor threads; default server.workers.worker_count, 0 meaning one per core. */
  threads?: number;
  clock?: QueueClock;
  heartbeatMs?: number;
  log?: (message: string) => void;
}

export interface WorkerNode {
  id: string;
  pool: ExecutorPool;
  queue: QueueWorker;
  /** Graceful: stop claiming, finish or hand back running jobs within graceMs, mark OFFLINE. */
  stop(graceMs?: number): Promise<void>;
}

const PRUNE_EVERY_MS = 3_600_000;

export async function startWorkerNode(app: WorkerApp, opts: WorkerNodeOptions = {}): Promise<WorkerNode> {
  const { config, store } = app;
  const w = config.server.workers;
  const q = config.server.job_queue;
  const id = opts.workerId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const threads = opts.threads ?? (w.worker_count > 0 ? w.worker_count : availableParallelism());
  const log = opts.log ?? ((m: string) => process.stderr.write(`[worker ${id}] ${m}\n`));
  const heartbeatMs = opts.heartbeatMs ?? 5000;

  // With jobs already due, the first executor thread starts as soon as the pool exists, and the
  // pool exists before the worker registers: the thread's start (Node's bootstrap, its modules, its
  // first sandbox: some 40-60 ms, more on a busy machine) then overlaps registering, preparing and
  // the first claim instead of following them (on PostgreSQL registering alone takes ~30 ms: the
  // pool's first connections). The check runs beside the registration; a failed check only forgoes
  // the head start, a failed registration stops the pool again.
  const pool = new ExecutorPool({
    size: threads,
    depth: w.prefetch_per_thread,
    idleThreadMs: w.idle_thread_seconds * 1000,
    http: httpOptionsFromConfig(config, app.listeningPorts),
    limits: runtimeLimitsFromConfig(config),
    restartOnCrash: w.restart_on_crash,
    healthCheckIntervalMs: w.health_check_interval_seconds * 1000,
    log,
  });
  void anyJobDue(store.db, Date.now())
    .catch(() => false)
    .then((yes) => yes && pool.startForWaitingWork());
  try {
    await registerWorker(store.db, {
      id,
      hostname: hostname(),
      pid: process.pid,
      version: ratchetVersion(),
      capacity: threads,
      metadata: { dialect: store.dialect },
    });
  } catch (err) {
    await pool.close();
    throw err;
  }
  const queue = new QueueWorker({
    store,
    queue: app.queue,
    events: app.jobEvents,
    dispatch: app.dispatch,
    caches: app.queueCaches,
    pool,
    workerId: id,
    leaseMs: q.lease_seconds * 1000,
    pollMs: q.poll_interval_ms,
    batchSize: q.max_dequeue_batch_size,
    taskLimits: q.task_concurrency,
    policy: { baseDelayMs: q.default_retry_delay * 1000, maxDelayMs: q.max_retry_delay * 1000 },
    clock: opts.clock,
    log,
    maxResultBytes: parseByteSize(app.config.execution.max_result_bytes),
    pause: new PauseGate(store.db),
  });

  const beat = async (status?: 'ONLINE' | 'DRAINING' | 'OFFLINE'): Promise<void> => {
    try {
      await heartbeatWorker(store.db, id, {
        runningJobs: queue.running,
        jobsCompleted: queue.completed,
        jobsFailed: queue.failed,
        status,
      });
      const stale = await markStaleWorkersOffline(store.db, Date.now() - 3 * heartbeatMs);
      if (stale.length > 0) log(`marked stale worker(s) offline: ${stale.join(', ')}`);
    } catch (err) {
      log(`heartbeat failed: ${(err as Error).message}`);
    }
  };
  const prune = async (): Promise<void> => {
    try {
      const res = await pruneFinished(store.db, retentionCutoffs(config.server.retention, Date.now()));
      if (res.jobs + res.executions > 0) log(`pruned ${res.jobs} job(s) and ${res.executions} execution(s)`);
    } catch (err) {
      log(`pruning finished work failed: ${(err as Error).message}`);
    }
  };
  const heartbeat = setInterval(() => void beat(), heartbeatMs);
  const pruner = setInterval(() => void prune(), PRUNE_EVERY_MS);
  pruner.unref();
  const firstPrune = setTimeout(() => void prune(), 5000);
  firstPrune.unref();

  await app.queue.prepare().catch((err: unknown) => {
    log(`preparing the queue (analysing the jobs table) failed: ${(err as Error).message}`);
  });
  await queue.start();

  let stopping: Promise<void> | undefined;
  return {
    id,
    pool,
    queue,
    stop(graceMs = w.shutdown_grace_seconds * 1000) {
      stopping ??= (async () => {
        clearTimeout(firstPrune);
        await beat('DRAINING');
        await queue.stop(graceMs);
        clearInterval(heartbeat);
        clearInterval(pruner);
        await app.jobEvents.drain(Math.max(1000, graceMs));
        await pool.close();
        await beat('OFFLINE');
      })();
      return stopping;
    },
  };
}

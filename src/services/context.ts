// The application context every service receives: the configuration, the store, and everything
// else that lives once per application, as typed fields. The composition root (app.ts) builds it;
// services import only this type, never app.ts, so the root can depend on services without a
// cycle. Nothing per application lives in module-level state: two applications in one process
// (tests, a console beside a server) never share a cache, a bus or a lock.
import type { EventEmitter } from 'node:events';
import type { Worker } from 'node:worker_threads';
import type { RatchetConfig } from '../config/schema.ts';
import type { Store } from '../store/database.ts';
import type { QueueBackend } from '../queue/backend.ts';
import type { JobEventHub } from '../queue/events.ts';
import type { DispatcherSlot } from '../queue/direct-dispatch.ts';
import type { QueueCaches } from '../queue/caches.ts';
import type { SourceLocks } from '../registry/lock.ts';
import type { DeliveryOutcome } from '../delivery/deliver.ts';
import type { DirectExecution } from './direct-execution.ts';
import type { EnqueueTargets } from './enqueue-lookup.ts';
import type { JobWatchSlot } from './job-watch.ts';

export interface Ratchet {
  readonly config: RatchetConfig;
  readonly store: Store;
  /**
   * The queue's engine-specific operations (queue/backend.ts), with its notifier: enqueue, retry
   * and cancel notify, workers subscribe.
   */
  readonly queue: QueueBackend;
  /** Jobs this process finishes (queue/events.ts): delivery, metrics and execution events listen. */
  readonly jobEvents: JobEventHub;
  /** Execution progress and status by execution id (execution-events.ts). */
  readonly executionEvents: EventEmitter;
  /** Observers of output-delivery outcomes (metrics). */
  readonly deliveryObservers: Set<(outcomes: DeliveryOutcome[]) => void>;
  /** The running queue worker's offer of free slots to enqueue (queue/direct-dispatch.ts). */
  readonly dispatch: DispatcherSlot;
  readonly queueCaches: QueueCaches;
  /** Synchronous executions: their thread pool (made on first use) and task lookups. */
  readonly directExecution: DirectExecution;
  /** Task references resolved for enqueue, briefly cached (enqueue-lookup.ts). */
  readonly enqueueTargets: EnqueueTargets;
  /** One sync at a time per task source (registry/lock.ts). */
  readonly sourceLocks: SourceLocks;
  /** Threads started for one request (test runs, quality tools), ended at shutdown (app-threads.ts). */
  readonly threads: Map<Worker, (err: Error) => void>;
  /** The shared job and worker change feed behind live views (job-watch.ts), made on first use. */
  readonly jobWatch: JobWatchSlot;
  /** Ports this process's servers really listen on, kept from tasks by the egress policy. */
  readonly listeningPorts: number[];
}

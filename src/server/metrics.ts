// Prometheus metrics on /metrics. Two registries: a process-wide one for what happens in this
// process whatever server it belongs to (executions, retries, deliveries, process figures — the
// worker code calls recordExecution directly), and one per server for HTTP traffic and the
// store-derived gauges, which are read from the database on each scrape (a few aggregate queries).
// The prom-client objects are created lazily (deferred-metrics.ts): an unscraped idle server
// does not load the library, yet every event since start-up is counted.
import type { FastifyInstance } from 'fastify';
import type { Counter, Histogram, Registry } from 'prom-client';
import type { Ratchet } from '../app.ts';
import { onDeliveryOutcomes } from '../services/delivery.ts';
import { getTask } from '../store/repos/tasks.ts';
import type { JobFinishedEvent } from '../queue/events.ts';
import { queueState } from '../services/queue-control.ts';
import { queueStats, workerSummary } from '../services/queue-stats.ts';
import { rootPlugin } from './root-plugin.ts';
import { onWorkflowAdvance, workflowStateCounts } from '../services/workflows/index.ts';
import { DeferredMetrics, type Prom } from './deferred-metrics.ts';

interface ProcessMetrics {
  registry: Registry;
  executionDuration: Histogram;
  retries: Counter;
  deliveries: Counter;
  graphqlOperations: Counter;
  graphqlDuration: Histogram;
  orchestration: Histogram;
}

function processMetrics({ Counter, Histogram, Registry, collectDefaultMetrics }: Prom): ProcessMetrics {
  const registry = new Registry();
  // Process figures (CPU, memory, handles) are read at scrape time; the event-based ones (GC
  // durations, event-loop lag) cover the time since the first scrape.
  collectDefaultMetrics({ register: registry, prefix: 'ratchet_' });
  const executionDuration = new Histogram({
    name: 'ratchet_execution_duration_seconds',
    help: 'Task execution duration by task and final status',
    labelNames: ['task', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const retries = new Counter({
    name: 'ratchet_job_retries_total',
    help: 'Retries (attempts after the first) of jobs finished in this process, by task',
    labelNames: ['task'],
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'ratchet_deliveries_total',
    help: 'Output deliveries by destination type and outcome',
    labelNames: ['type', 'outcome'],
    registers: [registry],
  });
  const graphqlOperations = new Counter({
    name: 'ratchet_graphql_operations_total',
    help: 'GraphQL operations by operation name (or "anonymous"), type and outcome (success, error, rejected)',
    labelNames: ['operation', 'type', 'outcome'],
    registers: [registry],
  });
  const graphqlDuration = new Histogram({
    name: 'ratchet_graphql_operation_duration_seconds',
    help: 'GraphQL query and mutation duration by operation name and type',
    labelNames: ['operation', 'type'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });

  const orchestration = new Histogram({
    name: 'ratchet_workflow_step_orchestration_seconds',
    help: 'Time the workflow engine spends advancing a run per finished step (inside the result transaction)',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [registry],
  });
  return {
    registry,
    executionDuration,
    retries,
    deliveries,
    graphqlOperations,
    graphqlDuration,
    orchestration,
  };
}

const processWide = new DeferredMetrics(processMetrics);

/** Records one finished execution (the worker code and the job-finished hook call this). */
export function recordExecution(task: string, status: string, durationMs: number): void {
  const seconds = Math.max(0, durationMs) / 1000;
  processWide.record((m) => m.executionDuration.observe({ task, status }, seconds));
}

export function recordRetries(task: string, count = 1): void {
  if (count > 0) processWide.record((m) => m.retries.inc({ task }, count));
}

export function recordDelivery(type: string, success: boolean): void {
  const outcome = success ? 'success' : 'failure';
  processWide.record((m) => m.deliveries.inc({ type, outcome }));
}

/**
 * Records one GraphQL operation. `rejected`: refused before it ran (syntax, validation, limits,
 * authentication); `error`: ran with errors; `success`: ran without. Subscriptions count when they start.
 */
export function recordGraphqlOperation(
  operation: string,
  type: string,
  outcome: 'success' | 'error' | 'rejected',
  durationMs?: number,
): void {
  processWide.record((m) => {
    m.graphqlOperations.inc({ operation, type, outcome });
    if (durationMs !== undefined)
      m.graphqlDuration.observe({ operation, type }, Math.max(0, durationMs) / 1000);
  });
}

// One subscription per application, however many servers are built on it.
const hooked = new WeakSet<object>();

/** Feeds executions, retries and delivery outcomes of every job this process finishes into the metrics. */
export function hookJobMetrics(app: Ratchet): () => void {
  if (hooked.has(app)) return () => undefined;
  hooked.add(app);
  const names = new Map<number, string>();
  const record = (e: JobFinishedEvent, name: string): void => {
    recordExecution(name, e.status, e.execution.durationMs ?? 0);
    recordRetries(name, e.job.attempts - 1);
  };
  // Synchronous once the task's name is known: no promise per finished job.
  const off = app.jobEvents.on((e) => {
    const name = names.get(e.job.taskId);
    if (name !== undefined) return record(e, name);
    return getTask(app.store.db, e.job.taskId).then((task) => {
      const looked = task?.name ?? `task-${e.job.taskId}`;
      names.set(e.job.taskId, looked);
      record(e, looked);
    });
  });
  const offDelivery = onDeliveryOutcomes(app, (outcomes) => {
    for (const o of outcomes) recordDelivery(o.type, o.success);
  });
  const offWorkflows = onWorkflowAdvance(app, (seconds, steps) =>
    processWide.record((m) => {
      for (let i = 0; i < steps; i++) m.orchestration.observe(seconds);
    }),
  );
  return () => {
    hooked.delete(app);
    off();
    offDelivery();
    offWorkflows();
  };
}

interface ServerMetrics {
  registry: Registry;
  requests: Counter;
  latency: Histogram;
}

function serverMetrics(app: Ratchet, { Counter, Gauge, Histogram, Registry }: Prom): ServerMetrics {
  const registry = new Registry();
  const requests = new Counter({
    name: 'ratchet_http_requests_total',
    help: 'HTTP requests by route pattern, method and status code',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'ratchet_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern and method',
    labelNames: ['route', 'method'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const { db } = app.store;
  const jobs = new Gauge({
    name: 'ratchet_jobs',
    help: 'Jobs in the store by state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const stats = await queueStats(db);
      for (const [state, n] of Object.entries(stats.byStatus)) this.set({ state }, n);
      queueDepth.set(stats.byStatus.QUEUED + stats.byStatus.RETRYING);
      oldest.set(stats.oldestQueuedAgeSeconds);
    },
  });
  const queueDepth = new Gauge({
    name: 'ratchet_queue_depth',
    help: 'Jobs waiting to run (QUEUED + RETRYING)',
    registers: [registry],
  });
  const oldest = new Gauge({
    name: 'ratchet_queue_oldest_age_seconds',
    help: 'How long the longest-waiting runnable queued job has waited',
    registers: [registry],
  });
  new Gauge({
    name: 'ratchet_queue_paused',
    help: '1 while claiming is paused on every worker (job pause), else 0',
    registers: [registry],
    async collect() {
      this.set((await queueState(app)).paused ? 1 : 0);
    },
  });
  const utilisation = new Gauge({
    name: 'ratchet_worker_utilisation_ratio',
    help: 'Busy executor slots / capacity across online workers (0 when none)',
    registers: [registry],
    async collect() {
      const w = await workerSummary(db);
      this.set(w.capacity === 0 ? 0 : w.busy / w.capacity);
      capacity.set(w.capacity);
      busy.set(w.busy);
      online.set(w.online);
    },
  });
  const capacity = new Gauge({
    name: 'ratchet_worker_capacity',
    help: 'Executor slots across online workers',
    registers: [registry],
  });
  const busy = new Gauge({
    name: 'ratchet_worker_busy',
    help: 'Executor slots running a job',
    registers: [registry],
  });
  const online = new Gauge({
    name: 'ratchet_workers_online',
    help: 'Workers with status ONLINE',
    registers: [registry],
  });
  const workflowRuns = new Gauge({
    name: 'ratchet_workflow_runs',
    help: 'Workflow runs in the store by state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await workflowStateCounts(app);
      for (const [state, n] of Object.entries(counts.runs)) this.set({ state }, n);
    },
  });
  const workflowSteps = new Gauge({
    name: 'ratchet_workflow_steps',
    help: 'Workflow steps (for_each items included) in the store by state',
    labelNames: ['state'],
    registers: [registry],
    // Collected on its own: the registry reads metrics concurrently.
    async collect() {
      const counts = await workflowStateCounts(app);
      for (const [state, n] of Object.entries(counts.steps)) this.set({ state }, n);
    },
  });
  void jobs;
  void utilisation;
  void workflowRuns;
  void workflowSteps;
  return { registry, requests, latency };
}

export const metricsPlugin = rootPlugin<{ app: Ratchet }>(
  'ratchet-metrics',
  async (server: FastifyInstance, opts) => {
    const { app } = opts;
    const metrics = new DeferredMetrics((p) => serverMetrics(app, p));
    hookJobMetrics(app);
    // Callback style: an async hook costs a promise per request for nothing it awaits.
    server.addHook('onResponse', (request, reply, done) => {
      // The pattern, never the raw URL: ids in paths would explode label cardinality.
      const route = request.routeOptions.url ?? 'unmatched';
      const { method } = request;
      const status = String(reply.statusCode);
      const seconds = reply.elapsedTime / 1000;
      metrics.record((m) => {
        m.requests.inc({ route, method, status });
        m.latency.observe({ route, method }, seconds);
      });
      done();
    });
    server.get(
      '/metrics',
      { config: { access: 'read', rateLimit: false }, schema: { tags: ['health'], hide: true } },
      async (_req, reply) => {
        const [proc, { registry }] = await Promise.all([processWide.ready(), metrics.ready()]);
        const text = (await proc.registry.metrics()) + '\n' + (await registry.metrics());
        return reply.type(registry.contentType).send(text);
      },
    );
  },
);

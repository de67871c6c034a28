// The completion hook: whatever must happen after a job reaches a final state (output delivery,
// metrics) subscribes here. Listeners run in the process that finished the job, after its result
// is stored; a listener that throws or rejects is reported and never affects the job.
import type { JobRecord } from '../store/repos/jobs.ts';
import type { ExecutionRecord } from '../store/repos/executions.ts';

export interface JobFinishedEvent {
  job: JobRecord;
  execution: ExecutionRecord;
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED';
}

export type JobFinishedListener = (e: JobFinishedEvent) => void | Promise<void>;

/** Where listener failures go; default one line on stderr. */
export type ListenerErrorReporter = (err: unknown, e: JobFinishedEvent) => void;

interface Hub {
  listeners: Set<JobFinishedListener>;
  /** Listener calls still running, so shutdown can wait for them. */
  pending: Set<Promise<void>>;
  report: ListenerErrorReporter;
}

// Keyed by the application object (a Ratchet), so the queue needs no import of the composition root
// and two applications in one process (tests) never see each other's events.
const hubs = new WeakMap<object, Hub>();

const defaultReport: ListenerErrorReporter = (err, e) => {
  const why = err instanceof Error ? err.message : String(err);
  process.stderr.write(`warning: a job-finished listener failed for job ${e.job.id}: ${why}\n`);
};

function hubOf(app: object): Hub {
  let hub = hubs.get(app);
  if (!hub) {
    hub = { listeners: new Set(), pending: new Set(), report: defaultReport };
    hubs.set(app, hub);
  }
  return hub;
}

/** Calls listener for every job this process finishes (COMPLETED, FAILED for good, CANCELLED). */
export function onJobFinished(app: object, listener: JobFinishedListener): () => void {
  const hub = hubOf(app);
  hub.listeners.add(listener);
  return () => {
    hub.listeners.delete(listener);
  };
}

/** Replaces the reporter of listener failures (e.g. with the application's logger). */
export function setListenerErrorReporter(app: object, report: ListenerErrorReporter): void {
  hubOf(app).report = report;
}

/** Runs every listener; never throws. The returned promise settles when all listeners did. */
export function emitJobFinished(app: object, e: JobFinishedEvent): Promise<void> {
  const hub = hubs.get(app);
  if (!hub || hub.listeners.size === 0) return Promise.resolve();
  const calls: Promise<void>[] = [];
  for (const listener of hub.listeners) {
    const call = (async () => {
      try {
        await listener(e);
      } catch (err) {
        try {
          hub.report(err, e);
        } catch {
          // A broken reporter must not break the queue either.
        }
      }
    })();
    hub.pending.add(call);
    void call.finally(() => hub.pending.delete(call));
    calls.push(call);
  }
  return Promise.all(calls).then(() => undefined);
}

/** Waits for listener calls still running (graceful shutdown); resolves false on timeout. */
export async function drainJobFinished(app: object, timeoutMs: number): Promise<boolean> {
  const hub = hubs.get(app);
  if (!hub || hub.pending.size === 0) return true;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([Promise.all([...hub.pending]).then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

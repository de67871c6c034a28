// Output destinations of workflow runs: when a run ends, its result goes to the destinations it
// was started with (a schedule's, or the start request's), exactly as a job's result does. The
// process that sees the run end delivers it: after the commit of the step result that ended it (a
// job-finished listener) or of the operation that ended it (cancel, resolve). An atomic claim on
// the run row makes that exactly one process across nodes; a slow sweep on worker nodes picks up
// runs whose deliverer died before claiming (or that a reclaimed job ended).
import type { Ratchet } from '../context.ts';
import { deliverRunResult, type DeliverOptions, type DeliveryOutcome } from '../../delivery/deliver.ts';
import {
  claimRunDelivery,
  getWorkflowRun,
  runDestinations,
  undeliveredRunIds,
} from '../../store/repos/workflow-runs.ts';

async function deliver(app: Ratchet, runId: number, opts: DeliverOptions): Promise<DeliveryOutcome[]> {
  const run = await getWorkflowRun(app.store.db, runId);
  const destinations = await runDestinations(app.store.db, runId);
  if (!run || !destinations?.length) return [];
  const outcomes = await deliverRunResult(app, run, destinations, opts);
  for (const fn of app.deliveryObservers) fn(outcomes);
  return outcomes;
}

/** Delivers a run's result if it has ended, has destinations and no process has claimed it yet. */
export async function deliverFinishedRun(
  app: Ratchet,
  runId: number,
  opts: DeliverOptions = {},
): Promise<DeliveryOutcome[]> {
  if (!(await claimRunDelivery(app.store.db, runId))) return [];
  return deliver(app, runId, opts);
}

// Step ids whose result ended a run, by application: noted inside the result's transaction,
// taken by the job-finished listener after its commit. An entry whose transaction rolled back is
// never taken; the cap keeps such leftovers bounded (a missed hint only defers to the sweep).
const endedBy = new WeakMap<Ratchet, Map<number, number>>();
const MAX_HINTS = 10_000;

/** The engine ended run `runId` while applying the results of `stepIds` (services/workflows/runs.ts). */
export function noteRunEnded(app: Ratchet, runId: number, stepIds: readonly number[]): void {
  let hints = endedBy.get(app);
  if (!hints) endedBy.set(app, (hints = new Map()));
  if (hints.size >= MAX_HINTS) hints.clear();
  for (const id of stepIds) hints.set(id, runId);
}

/**
 * Delivers the run a finished step job ended, if it ended one. The composition root calls it
 * once per application; returns the unsubscribe function.
 */
export function enableRunDelivery(app: Ratchet, opts: DeliverOptions = {}): () => void {
  // Synchronous unless the job ended a run: no promise per finished job.
  return app.jobEvents.on((e) => {
    const hints = e.job.workflowStepId === null ? undefined : endedBy.get(app);
    const runId = hints?.get(e.job.workflowStepId!);
    if (runId === undefined) return undefined;
    hints!.delete(e.job.workflowStepId!);
    return deliverFinishedRun(app, runId, opts).then(() => undefined);
  });
}

/**
 * Every `intervalMs`, delivers runs that ended more than `graceMs` ago without a claim (their
 * finishing process died first, or a lost worker's job ended them). Returns a stop function that
 * waits for a sweep in progress.
 */
export function startRunDeliverySweep(
  app: Ratchet,
  opts: { intervalMs?: number; graceMs?: number; onError?: (err: unknown) => void } = {},
): () => Promise<void> {
  const intervalMs = opts.intervalMs ?? 30_000;
  const graceMs = opts.graceMs ?? 10_000;
  let running: Promise<void> = Promise.resolve();
  const sweep = async (): Promise<void> => {
    try {
      for (const runId of await undeliveredRunIds(app.store.db, Date.now() - graceMs)) {
        await deliverFinishedRun(app, runId);
      }
    } catch (err) {
      opts.onError?.(err);
    }
  };
  const timer = setInterval(() => {
    running = running.then(sweep);
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

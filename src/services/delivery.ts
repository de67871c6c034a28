// Output delivery as a service: subscribes to the queue's completion hook so every job that
// finishes in this process has its result sent to the job's outputDestinations.
import type { Ratchet } from '../app.ts';
import { onJobFinished } from '../queue/events.ts';
import { deliverResult } from '../delivery/deliver.ts';
import type { DeliverOptions, DeliveryOutcome } from '../delivery/deliver.ts';

export { parseDestinations, DestinationError } from '../delivery/destinations.ts';

// One subscription per application, however often this is called.
const enabled = new WeakSet<object>();

// Observers of delivery outcomes (metrics), per application; the subscription above may have been
// made by createRatchet before any observer exists.
const observers = new WeakMap<object, Set<(outcomes: DeliveryOutcome[]) => void>>();

/** Calls fn with the outcomes of every delivery this process makes for `app`. */
export function onDeliveryOutcomes(app: object, fn: (outcomes: DeliveryOutcome[]) => void): () => void {
  let set = observers.get(app);
  if (!set) observers.set(app, (set = new Set()));
  set.add(fn);
  return () => set.delete(fn);
}

/**
 * Delivers the output of each finished job that has destinations. Runs after the job's result is
 * stored, and a delivery failure is only recorded (delivery_results), never fed back to the job.
 * Returns an unsubscribe function.
 */
export function enableOutputDelivery(
  app: Ratchet,
  opts: DeliverOptions & { onDelivered?: (outcomes: DeliveryOutcome[]) => void } = {},
): () => void {
  if (enabled.has(app)) return () => undefined;
  enabled.add(app);
  const off = onJobFinished(app, async (e) => {
    if (!e.job.outputDestinations || e.job.outputDestinations.length === 0) return;
    const outcomes = await deliverResult(app, { job: e.job, execution: e.execution, status: e.status }, opts);
    opts.onDelivered?.(outcomes);
    for (const fn of observers.get(app) ?? []) fn(outcomes);
  });
  return () => {
    enabled.delete(app);
    off();
  };
}

// Output delivery as a service: subscribes to the queue's completion hook so every job that
// finishes in this process has its result sent to the job's outputDestinations.
import type { Ratchet } from './context.ts';
import { deliverResult } from '../delivery/deliver.ts';
import type { DeliverOptions, DeliveryOutcome } from '../delivery/deliver.ts';
import type { JobFinishedEvent } from '../queue/events.ts';

export { parseDestinations, DestinationError } from '../delivery/destinations.ts';

/** Calls fn with the outcomes of every delivery this process makes for `app`. */
export function onDeliveryOutcomes(app: Ratchet, fn: (outcomes: DeliveryOutcome[]) => void): () => void {
  app.deliveryObservers.add(fn);
  return () => app.deliveryObservers.delete(fn);
}

/**
 * Delivers the output of each finished job that has destinations. Runs after the job's result is
 * stored, and a delivery failure is only recorded (delivery_results), never fed back to the job.
 * Returns an unsubscribe function. The composition root calls it once per application.
 */
export function enableOutputDelivery(
  app: Ratchet,
  opts: DeliverOptions & { onDelivered?: (outcomes: DeliveryOutcome[]) => void } = {},
): () => void {
  const deliver = async (e: JobFinishedEvent): Promise<void> => {
    const outcomes = await deliverResult(app, { job: e.job, execution: e.execution, status: e.status }, opts);
    opts.onDelivered?.(outcomes);
    for (const fn of app.deliveryObservers) fn(outcomes);
  };
  // Synchronous for a job without destinations (nearly all): no promise per finished job.
  return app.jobEvents.on((e) => (e.job.outputDestinations?.length ? deliver(e) : undefined));
}

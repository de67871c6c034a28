// prom-client (and the @opentelemetry/api it pulls in) is ~140 KB of module source plus the
// default process collectors; an idle server that is never scraped would carry it all. So the
// metric objects are created on the first /metrics scrape, or once enough events have waited:
// until then each event is kept as a small closure and replayed into the real metric, so every
// count and observation since start-up is still reported.
import type * as PromClient from 'prom-client';

export type Prom = typeof PromClient;

/** Events held before the metrics are created anyway (keeps a never-scraped server bounded). */
export const MAX_PENDING = 512;

let prom: Promise<Prom> | undefined;

/** prom-client, imported once. */
export function loadProm(): Promise<Prom> {
  prom ??= import('prom-client').catch((err: unknown) => {
    prom = undefined;
    throw new Error(`metrics: cannot load prom-client: ${(err as Error).message}`, { cause: err });
  });
  return prom;
}

/** A set of metrics that exists only once prom-client is loaded; events before that are queued. */
export class DeferredMetrics<T> {
  private metrics: T | undefined;
  private pending: ((m: T) => void)[] = [];
  private creating: Promise<T> | undefined;
  private readonly create: (prom: Prom) => T;

  constructor(create: (prom: Prom) => T) {
    this.create = create;
  }

  /** Applies the event now, or queues it until the metrics exist. */
  record(event: (m: T) => void): void {
    if (this.metrics) {
      event(this.metrics);
      return;
    }
    this.pending.push(event);
    if (this.pending.length >= MAX_PENDING) {
      // Background creation; a failure leaves the events queued (the oldest are dropped past
      // a hard cap) and surfaces on the next scrape, which retries the import.
      this.ready().catch(() => undefined);
      if (this.pending.length > 4 * MAX_PENDING) this.pending.shift();
    }
  }

  /** The metrics, created (and the queued events replayed) on the first call. */
  ready(): Promise<T> {
    if (this.metrics) return Promise.resolve(this.metrics);
    this.creating ??= loadProm().then(
      (p) => {
        const m = this.create(p);
        this.metrics = m;
        const queued = this.pending;
        this.pending = [];
        for (const e of queued) e(m);
        return m;
      },
      (err: unknown) => {
        this.creating = undefined;
        throw err;
      },
    );
    return this.creating;
  }

  /** Whether the metric objects exist yet (tests). */
  get created(): boolean {
    return this.metrics !== undefined;
  }
}

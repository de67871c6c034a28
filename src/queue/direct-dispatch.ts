// Direct dispatch (backends that offer it: PostgreSQL, backends/pg-insert-claimed.ts): a job enqueued in a process whose own worker has an idle executor
// thread and knows of no other due job is inserted already claimed by that worker, with its
// execution row, in one statement, and handed straight to the thread. That saves the claim round
// trip (~0.5 ms) on every job of a sequential chain. The claim is the same as a normal one (lease,
// attempt 1, execution row), so a crash before the run is recovered by lease expiry as usual.
// Fairness holds because the worker offers this only when its last claim found nothing else due,
// no wake-up arrived since and no concurrency limit applies.
import type { ClaimedJob } from './claim-jobs.ts';

export interface DirectClaim {
  workerId: string;
  leaseMs: number;
  /** Called once the insert ended: with the claimed job to run it, or without when it failed. */
  settle(claimed?: ClaimedJob): void;
}

export interface DirectDispatcher {
  /** A claim reservation when a job enqueued now may skip the queue; undefined otherwise. */
  reserve(): DirectClaim | undefined;
}

/** One worker's reservations: how many direct claims are in flight, and what to do with them. */
export class DirectReservations implements DirectDispatcher {
  claims = 0;
  private pending = 0;
  private readonly o: {
    workerId: string;
    leaseMs: number;
    /** Whether one more reservation may be given, with `pending` already given. */
    available: (pending: number) => boolean;
    begin: (claimed: ClaimedJob) => void;
  };

  constructor(o: DirectReservations['o']) {
    this.o = o;
  }

  /** Reservations whose insert has not ended yet. */
  get inFlight(): number {
    return this.pending;
  }

  reserve(): DirectClaim | undefined {
    if (!this.o.available(this.pending)) return undefined;
    this.pending++;
    let settled = false;
    return {
      workerId: this.o.workerId,
      leaseMs: this.o.leaseMs,
      settle: (claimed) => {
        if (settled) return;
        settled = true;
        this.pending--;
        if (!claimed) return;
        this.claims++;
        this.o.begin(claimed);
      },
    };
  }
}

/**
 * Runs a backend's claimed insert for `claim` and settles the reservation with what it claimed. A
 * failed insert claims nothing: the caller takes the normal path, which meets the same problem and
 * decides.
 */
export async function claimDirectly(
  claim: DirectClaim,
  insert: () => Promise<ClaimedJob | undefined>,
): Promise<ClaimedJob | undefined> {
  let claimed: ClaimedJob | undefined;
  try {
    claimed = await insert();
  } catch {
    claimed = undefined;
  } finally {
    claim.settle(claimed);
  }
  return claimed;
}

/**
 * Where an application's running queue worker offers its free slots to enqueue (one per
 * application, owned by the composition root): empty when no worker runs in this process.
 */
export class DispatcherSlot {
  current: DirectDispatcher | undefined;
}

// The queue's switch and clean-up over GraphQL, as REST's /queue and /jobs/clear and the console's
// `job pause|resume|clear` (services/queue-control.ts): reading the switch needs read access,
// flipping it or deleting finished jobs needs admin.
import type { Ratchet } from '../../app.ts';
import { clearJobs, pauseQueue, queueState, resumeQueue } from '../../services/queue-control.ts';
import { actorOf, guarded, type Resolver } from './context.ts';

export function queueQueries(app: Ratchet): Record<string, Resolver> {
  return { queue: guarded('read', 'queue', () => queueState(app)) };
}

export function queueMutations(app: Ratchet): Record<string, Resolver> {
  return {
    pauseQueue: guarded('admin', 'pauseQueue', (_args, ctx) => pauseQueue(app, actorOf(ctx))),
    resumeQueue: guarded('admin', 'resumeQueue', (_args, ctx) => resumeQueue(app, actorOf(ctx))),
    clearJobs: guarded<{ status?: string | null; olderThan?: string | null }>('admin', 'clearJobs', (a) =>
      clearJobs(app, {
        ...(a.status != null ? { status: a.status } : {}),
        ...(a.olderThan != null ? { olderThan: a.olderThan } : {}),
      }),
    ),
  };
}

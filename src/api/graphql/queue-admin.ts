// The queue's switch and clean-up over GraphQL, as REST's /queue and /jobs/clear and the console's
// `job pause|resume|clear` (services/queue-control.ts): reading the switch needs read access,
// flipping it or deleting finished jobs needs admin. Also the executions timeline the dashboard's
// overview charts (REST /executions/timeline).
import type { Ratchet } from '../../app.ts';
import { clearJobs, pauseQueue, queueState, resumeQueue } from '../../services/queue-control.ts';
import { executionTimeline } from '../../services/execution-timeline.ts';
import { actorOf, guarded, type Resolver } from './context.ts';

export function queueQueries(app: Ratchet): Record<string, Resolver> {
  return {
    queue: guarded('read', 'queue', () => queueState(app)),
    executionTimeline: guarded<{ minutes?: number | null; bucketSeconds?: number | null }>(
      'read',
      'executionTimeline',
      (a) =>
        executionTimeline(app, {
          ...(a.minutes != null ? { minutes: a.minutes } : {}),
          ...(a.bucketSeconds != null ? { bucketSeconds: a.bucketSeconds } : {}),
        }),
    ),
  };
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

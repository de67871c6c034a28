// Subscriptions over graphql-ws: jobUpdated, executionUpdated and workerUpdated, each an async
// iterator over a service stream (services/job-watch.ts, and execution-events.ts, which REST's
// SSE uses too). Ending the subscription (client `complete`, socket closed) stops the watch.
import type { Ratchet } from '../../app.ts';
import { watchExecution, type ExecutionEvent } from '../../services/execution-events.ts';
import { watchJobs, watchWorkers, type JobChange } from '../../services/job-watch.ts';
import { requireTask } from '../../services/task-ref.ts';
import { guard, type GqlContext } from './context.ts';
import { codedErrors } from './errors.ts';
import { jobStatus } from './queries.ts';
import { jobView } from './views.ts';
import { pushIterator } from './push-iterator.ts';
import { workflowSubscriptions } from './workflows.ts';

interface JobFilterArg {
  status?: string[] | null;
  taskId?: string | null;
  jobId?: number | null;
}

function executionPayload(e: ExecutionEvent) {
  if (e.type === 'progress')
    return { type: 'PROGRESS', executionId: e.executionId, status: null, final: false, progress: e.progress };
  if (e.type === 'log')
    return {
      type: 'LOG',
      executionId: e.executionId,
      status: null,
      final: false,
      lines: e.entries,
      droppedLines: e.dropped,
    };
  return {
    type: 'STATUS',
    executionId: e.executionId,
    status: e.status,
    final: e.final,
    progress: e.execution?.progress ?? null,
    execution: e.execution ?? null,
  };
}

interface Logger {
  error(obj: unknown, msg?: string): void;
}

type Subscribe<A> = (root: unknown, args: A, ctx: GqlContext) => Promise<AsyncIterableIterator<unknown>>;

/**
 * A subscription's errors (unknown execution, refused key) leave as coded GraphQL errors: the
 * subscription path does not pass through the HTTP error formatter.
 */
function coded<A>(fn: Subscribe<A>, log: Logger): Subscribe<A> {
  return async (root, args, ctx) => {
    try {
      return await fn(root, args, ctx);
    } catch (err) {
      throw codedErrors(err, 0, log).errors[0]!;
    }
  };
}

export function subscriptionResolvers(app: Ratchet, log: Logger, opts: { pollMs?: number } = {}) {
  const workflows = workflowSubscriptions(app);
  return {
    workflowRunUpdated: { subscribe: coded(workflows.workflowRunUpdated.subscribe, log) },
    jobUpdated: {
      subscribe: coded(async (_root: unknown, args: { filter?: JobFilterArg | null }, ctx: GqlContext) => {
        guard(ctx, 'read', 'jobUpdated');
        const f = args.filter ?? {};
        const statuses = f.status ? new Set(f.status.map(jobStatus)) : undefined;
        const taskId = f.taskId ? (await requireTask(app, f.taskId)).id : undefined;
        const jobId = f.jobId ?? undefined;
        const matches = (c: JobChange): boolean =>
          (statuses === undefined || statuses.has(c.job.status)) &&
          (taskId === undefined || c.job.taskId === taskId) &&
          (jobId === undefined || c.job.id === jobId);
        return pushIterator<{ jobUpdated: unknown }>((push) =>
          watchJobs(
            app,
            (c) => {
              if (matches(c)) push({ jobUpdated: { job: jobView(c.job), previousStatus: c.previousStatus } });
            },
            opts,
          ),
        );
      }, log),
    },
    executionUpdated: {
      subscribe: coded(async (_root: unknown, args: { id: string }, ctx: GqlContext) => {
        guard(ctx, 'read', 'executionUpdated');
        const events: ExecutionEvent[] = [];
        const sink: { handle?: (e: ExecutionEvent) => void } = {};
        // The watch reports the current state at once; an unknown id throws NOT_FOUND here.
        const watch = await watchExecution(
          app,
          args.id,
          (e) => (sink.handle ? sink.handle(e) : events.push(e)),
          opts,
        );
        return pushIterator<{ executionUpdated: unknown }>((push, end) => {
          sink.handle = (e) => {
            push({ executionUpdated: executionPayload(e) });
            if (e.type === 'status' && e.final) end();
          };
          for (const e of events.splice(0)) sink.handle(e);
          return () => watch.stop();
        });
      }, log),
    },
    workerUpdated: {
      subscribe: coded(async (_root: unknown, _args: unknown, ctx: GqlContext) => {
        guard(ctx, 'read', 'workerUpdated');
        return pushIterator<{ workerUpdated: unknown }>((push) =>
          watchWorkers(app, (w) => push({ workerUpdated: w }), opts),
        );
      }, log),
    },
  };
}

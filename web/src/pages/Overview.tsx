// Overview: queue depth by state, execution success rate and durations, jobs per second and the
// success rate over the last hour (charts, their own chunk), workers, latest failures.
import { lazy, Suspense, type ReactNode } from 'react';
import { api, apiList } from '../api.ts';
import { href } from '../router.ts';
import { duration, ErrorBox, Loading, Status, useLoad, when } from '../components/ui.tsx';
import { useTaskNames } from '../tasks.ts';
import { WorkersTable } from '../components/WorkersTable.tsx';
import type { Execution, Worker } from '../types.ts';
import type { Timeline } from '../timeline.ts';

// uPlot is loaded after the figures are on screen: the first render does not wait for it.
const Charts = lazy(() => import('../components/Charts.tsx'));

interface JobStats {
  total: number;
  byStatus: Record<string, number>;
  oldestQueuedAgeSeconds: number;
}
interface ExecutionStats {
  total: number;
  successRate: number | null;
  averageDurationMs: number | null;
  lastHour: number;
  lastDay: number;
}

const POLL_MS = 3000;

/**
 * The last hour per minute: p50/p99 duration and the two charts. Mounted once the overview's
 * figures are on screen, so neither its request nor the chart chunk competes with them.
 */
function LastHour(): ReactNode {
  const { data, error } = useLoad(
    (signal) => api<Timeline>('/executions/timeline?minutes=60&bucketSeconds=60', { signal }),
    [],
    POLL_MS,
  );
  return (
    <>
      <h3>Last hour, per minute</h3>
      <ErrorBox error={error} />
      {!data ? (
        <Loading what="the charts" />
      ) : (
        <>
          <p>
            Duration p50 {duration(data.durationMs.p50)}, p99 {duration(data.durationMs.p99)}.
          </p>
          <Suspense fallback={<Loading what="the charts" />}>
            <Charts timeline={data} />
          </Suspense>
        </>
      )}
    </>
  );
}

export function Overview(): ReactNode {
  const names = useTaskNames();
  const { data, error } = useLoad(
    async (signal) => {
      const [jobs, executions, workers, failures] = await Promise.all([
        api<JobStats>('/jobs/stats', { signal }),
        api<ExecutionStats>('/executions/stats', { signal }),
        apiList<Worker>('/workers?limit=100', signal),
        // Newest by creation time: the (status, created_at, id) index answers it without sorting.
        apiList<Execution>('/executions?status=FAILED&_sort=createdAt&_order=desc&limit=5', signal),
      ]);
      return { jobs, executions, workers, failures };
    },
    [],
    POLL_MS,
  );
  return (
    <>
      <h1>Overview</h1>
      <ErrorBox error={error} />
      {!data ? (
        <Loading what="the overview" />
      ) : (
        <>
          <section aria-labelledby="queue-h">
            <h2 id="queue-h">Job queue</h2>
            <ul className="cards">
              {Object.entries(data.jobs.byStatus).map(([status, n]) => (
                <li key={status}>
                  <a href={href('jobs', { status })} className="card">
                    <span className="n">{n}</span>
                    <Status value={status} />
                  </a>
                </li>
              ))}
            </ul>
            {data.jobs.byStatus.QUEUED ? (
              <p>Oldest queued job waiting {Math.round(data.jobs.oldestQueuedAgeSeconds)} s.</p>
            ) : null}
          </section>
          <section aria-labelledby="exec-h">
            <h2 id="exec-h">Executions</h2>
            <dl className="facts">
              <dt>Success rate</dt>
              <dd>
                {data.executions.successRate === null
                  ? '—'
                  : `${(data.executions.successRate * 100).toFixed(1)} %`}
              </dd>
              <dt>Average duration</dt>
              <dd>{duration(data.executions.averageDurationMs)}</dd>
              <dt>Last hour</dt>
              <dd>{data.executions.lastHour}</dd>
              <dt>Last day</dt>
              <dd>{data.executions.lastDay}</dd>
              <dt>All time</dt>
              <dd>{data.executions.total}</dd>
            </dl>
            <LastHour />
          </section>
          <section aria-labelledby="workers-h">
            <h2 id="workers-h">
              <a href={href('workers')}>Workers</a>
            </h2>
            <WorkersTable workers={data.workers.data} />
          </section>
          <section aria-labelledby="fail-h">
            <h2 id="fail-h">Latest failures</h2>
            {data.failures.data.length === 0 ? (
              <p>No failed execution.</p>
            ) : (
              <ul className="failures">
                {data.failures.data.map((e) => (
                  <li key={e.id}>
                    <a href={href(`executions/${e.id}`)}>Execution {e.id}</a> of{' '}
                    <a href={href(`tasks/${names.get(e.taskId) ?? e.taskId}`)}>
                      {names.get(e.taskId) ?? `task ${e.taskId}`}
                    </a>{' '}
                    at {when(e.finishedAt)}:{' '}
                    <span className="error-text">{e.error?.message ?? 'failed'}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </>
  );
}

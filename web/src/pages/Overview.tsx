// Overview: queue depth by state, execution success rate and durations, workers, latest failures.
import type { ReactNode } from 'react';
import { api, apiList } from '../api.ts';
import { href } from '../router.ts';
import { duration, ErrorBox, Loading, Status, useLoad, when } from '../components/ui.tsx';
import { useTaskNames } from '../tasks.ts';
import type { Execution, Worker } from '../types.ts';

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

export function Overview(): ReactNode {
  const names = useTaskNames();
  const { data, error } = useLoad(
    async (signal) => {
      const [jobs, executions, workers, failures] = await Promise.all([
        api<JobStats>('/jobs/stats', { signal }),
        api<ExecutionStats>('/executions/stats', { signal }),
        apiList<Worker>('/workers?limit=100', signal),
        apiList<Execution>('/executions?status=FAILED&_sort=id&_order=desc&limit=5', signal),
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
          </section>
          <section aria-labelledby="workers-h">
            <h2 id="workers-h">Workers</h2>
            {data.workers.data.length === 0 ? (
              <p>No worker is registered.</p>
            ) : (
              <div className="table-wrap" tabIndex={0}>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Worker</th>
                      <th scope="col">Status</th>
                      <th scope="col">Running</th>
                      <th scope="col">Capacity</th>
                      <th scope="col">Last heartbeat</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.workers.data.map((w) => (
                      <tr key={w.id}>
                        <td>{w.id}</td>
                        <td>
                          <Status value={w.status} />
                        </td>
                        <td>{w.runningJobs}</td>
                        <td>{w.capacity}</td>
                        <td>{when(w.lastHeartbeatAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
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

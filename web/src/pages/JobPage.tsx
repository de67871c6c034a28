// One job: its state (refreshed every second until final), input, attempts (executions), cancel and retry.
import type { ReactNode } from 'react';
import { api, apiList } from '../api.ts';
import { href } from '../router.ts';
import { duration, ErrorBox, Json, Loading, Status, useLoad, when } from '../components/ui.tsx';
import { ActionButton } from '../components/actions.tsx';
import { useTaskNames } from '../tasks.ts';
import { FINAL_JOB, type Execution, type Job } from '../types.ts';

export function JobPage({ id }: { id: string }): ReactNode {
  const names = useTaskNames();
  const { data, error, reload } = useLoad(
    async (signal) => {
      const [job, executions] = await Promise.all([
        api<Job>(`/jobs/${encodeURIComponent(id)}`, { signal }),
        apiList<Execution>(`/executions?jobId=${encodeURIComponent(id)}&_sort=attempt&_order=asc`, signal),
      ]);
      return { job, executions: executions.data };
    },
    [id],
    1000,
  );
  if (!data) return error ? <ErrorBox error={error} /> : <Loading what={`job ${id}`} />;
  const { job, executions } = data;
  const final = FINAL_JOB.has(job.status);
  const task = names.get(job.taskId);
  return (
    <>
      <h1>
        Job #{job.id} <Status value={job.status} />
      </h1>
      <ErrorBox error={error} />
      <div className="toolbar">
        {!final && (
          <ActionButton
            access="run"
            label="Cancel job"
            run={() => api(`/jobs/${job.id}/cancel`, { method: 'POST' })}
            done={reload}
          />
        )}
        {(job.status === 'FAILED' || job.status === 'CANCELLED') && (
          <ActionButton
            access="run"
            label="Retry job"
            run={() => api(`/jobs/${job.id}/retry`, { method: 'POST' })}
            done={reload}
          />
        )}
      </div>
      <dl className="facts">
        <dt>Task</dt>
        <dd>{task ? <a href={href(`tasks/${task}`)}>{task}</a> : job.taskId}</dd>
        <dt>Priority</dt>
        <dd>{job.priority}</dd>
        <dt>Attempts</dt>
        <dd>
          {job.attempts} of {job.maxRetries + 1}
        </dd>
        <dt>Created</dt>
        <dd>{when(job.createdAt)}</dd>
        <dt>Started</dt>
        <dd>{when(job.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{when(job.finishedAt)}</dd>
        {job.cancelRequested && !final && (
          <>
            <dt>Cancel</dt>
            <dd>requested</dd>
          </>
        )}
      </dl>
      <h2>Input</h2>
      <Json value={job.input} label="Input" />
      {job.lastError && (
        <>
          <h2>Last error</h2>
          <p className="error-text">
            {job.lastError.type}: {job.lastError.message}
          </p>
        </>
      )}
      <h2>Attempts</h2>
      {executions.length === 0 ? (
        <p>No attempt yet.</p>
      ) : (
        <div className="table-wrap" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Execution</th>
                <th scope="col">Attempt</th>
                <th scope="col">State</th>
                <th scope="col">Started</th>
                <th scope="col">Duration</th>
              </tr>
            </thead>
            <tbody>
              {executions.map((e) => (
                <tr key={e.id}>
                  <td>
                    <a href={href(`executions/${e.id}`)}>#{e.id}</a>
                  </td>
                  <td>{e.attempt}</td>
                  <td>
                    <Status value={e.status} />
                  </td>
                  <td>{when(e.startedAt)}</td>
                  <td>{duration(e.durationMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

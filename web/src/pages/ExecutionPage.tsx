// One execution: follows its server-sent events (status, progress) while it runs, then shows the
// result, logs, HTTP calls and, for a failure, the failing line of the task's code.
import { useEffect, useState, type ReactNode } from 'react';
import { api } from '../api.ts';
import { followEvents } from '../sse.ts';
import { href } from '../router.ts';
import { ErrorBox, Json, Loading, Status, useLoad, when } from '../components/ui.tsx';
import { ActionButton } from '../components/actions.tsx';
import { ExecutionResult } from '../components/ExecutionResult.tsx';
import type { Execution } from '../types.ts';

const FINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

interface TaskWithCode {
  name: string;
  latestVersionId: number | null;
  version: { code: string } | null;
}

export function ExecutionPage({ id }: { id: string }): ReactNode {
  const { data, error, reload } = useLoad(
    async (signal) => {
      const e = await api<Execution>(`/executions/${encodeURIComponent(id)}`, { signal });
      const task = await api<TaskWithCode>(`/tasks/${e.taskId}`, { signal }).catch(() => null);
      return { e, task };
    },
    [id],
  );
  const [live, setLive] = useState<{ status?: string; fraction?: number; message?: string }>({});
  const running = data !== undefined && !FINAL.has(data.e.status);
  useEffect(() => {
    if (!running) return;
    const ctl = new AbortController();
    followEvents(
      `/executions/${encodeURIComponent(id)}/events`,
      (ev) => {
        const body = JSON.parse(ev.data) as {
          status?: string;
          final?: boolean;
          progress?: { fraction: number; message?: string };
        };
        if (ev.event === 'progress' && body.progress)
          setLive((l) => ({ ...l, fraction: body.progress!.fraction, message: body.progress!.message }));
        if (ev.event === 'status') {
          setLive((l) => ({ ...l, status: body.status }));
          if (body.final) reload();
        }
      },
      ctl.signal,
    ).catch(() => undefined);
    return () => ctl.abort();
  }, [id, running]);
  if (!data) return error ? <ErrorBox error={error} /> : <Loading what={`execution ${id}`} />;
  const { e, task } = data;
  const status = running ? (live.status ?? e.status) : e.status;
  const code = task && task.latestVersionId === e.taskVersionId ? task.version?.code : undefined;
  return (
    <>
      <h1>
        Execution #{e.id} <Status value={status} />
      </h1>
      <ErrorBox error={error} />
      <div className="toolbar">
        {running && (
          <ActionButton
            access="run"
            label="Cancel execution"
            run={() => api(`/executions/${e.id}/cancel`, { method: 'POST' })}
            done={reload}
          />
        )}
        {!running && e.status !== 'COMPLETED' && e.jobId !== null && (
          <ActionButton
            access="run"
            label="Retry"
            run={() => api(`/executions/${e.id}/retry`, { method: 'POST' })}
            done={reload}
          />
        )}
      </div>
      <dl className="facts">
        <dt>Task</dt>
        <dd>{task ? <a href={href(`tasks/${task.name}`)}>{task.name}</a> : e.taskId}</dd>
        <dt>Job</dt>
        <dd>{e.jobId === null ? 'direct run' : <a href={href(`jobs/${e.jobId}`)}>#{e.jobId}</a>}</dd>
        <dt>Attempt</dt>
        <dd>{e.attempt}</dd>
        <dt>Worker</dt>
        <dd>{e.workerId ?? '—'}</dd>
        <dt>Started</dt>
        <dd>{when(e.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{when(e.finishedAt)}</dd>
      </dl>
      {running && live.fraction !== undefined && (
        <p>
          <label htmlFor="progress">Progress</label> <progress id="progress" max={1} value={live.fraction} />{' '}
          {live.message}
        </p>
      )}
      <h2>Input</h2>
      <Json value={e.input} label="Input" />
      {!running && (
        <>
          <h2>Result</h2>
          <ExecutionResult outcome={{ ...e, output: e.output ?? undefined }} code={code} />
        </>
      )}
    </>
  );
}

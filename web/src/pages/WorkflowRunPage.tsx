// One workflow run (#/workflow-runs/ID): the DAG with each step coloured by its state, live: the
// page follows the run's event stream (GET /api/v1/workflow-runs/{id}/events), whose `status`
// events carry the run and every step on each change, until the run ends. Below: each step's
// state, attempts, duration and job, the run's input, output and error, and Cancel run while it
// is not finished.
import { useEffect, useState, type ReactNode } from 'react';
import { api } from '../api.ts';
import { followEvents } from '../sse.ts';
import { href } from '../router.ts';
import { duration, ErrorBox, Json, Loading, Status, useLoad, when } from '../components/ui.tsx';
import { ActionButton } from '../components/actions.tsx';
import { DagView } from '../components/DagView.tsx';
import type { WorkflowRun } from '../components/RunsTable.tsx';

interface StepStatus {
  name: string;
  task: string;
  dependencies: string[];
  status: string;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  output: unknown;
  error: unknown;
  jobId: number | null;
}

interface RunStatus {
  run: WorkflowRun;
  steps: StepStatus[];
}

const ENDED = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'RESOLVED_MANUALLY']);

export default function WorkflowRunPage({ id }: { id: string }): ReactNode {
  const { data, error, reload } = useLoad(
    (signal) => api<RunStatus>(`/workflow-runs/${encodeURIComponent(id)}`, { signal }),
    [id],
  );
  const [live, setLive] = useState<RunStatus | null>(null);
  const [streamError, setStreamError] = useState<Error | null>(null);
  const ended = data !== undefined && ENDED.has(data.run.status);
  useEffect(() => {
    if (data === undefined || ended) return;
    const ctl = new AbortController();
    followEvents(
      `/workflow-runs/${encodeURIComponent(id)}/events`,
      (ev) => {
        if (ev.event !== 'status') return;
        const s = JSON.parse(ev.data) as RunStatus & { final?: boolean };
        setLive(s);
        if (s.final) reload();
      },
      ctl.signal,
    ).catch((e: unknown) => {
      if (!ctl.signal.aborted) setStreamError(e as Error);
    });
    return () => ctl.abort();
    // Follow once the first answer says the run is still going; reload() brings the final state.
  }, [id, data === undefined, ended]);
  // A fresh answer (after an action's reload) is newer than every event before it: events start
  // over from it. Once it says the run ended, the stream is closed, so it is the state to show
  // even when the stream's last event (say, RUNNING before a cancel) came before it.
  useEffect(() => setLive(null), [data]);
  const s = ended ? data : (live ?? data);
  if (!s) return error ? <ErrorBox error={error} /> : <Loading what="the run" />;
  const { run, steps } = s;
  const counts = new Map<string, number>();
  for (const st of steps) counts.set(st.status, (counts.get(st.status) ?? 0) + 1);
  return (
    <>
      <h1>
        Run #{run.id} of {run.workflow} <Status value={run.status} />
      </h1>
      <ErrorBox error={error ?? streamError} />
      <p>
        <a href={href(`workflows/${encodeURIComponent(run.workflow)}`)}>
          {run.workflow} {run.version}
        </a>{' '}
        · started {when(run.createdAt)}
        {run.finishedAt ? ` · finished ${when(run.finishedAt)}` : ' · updating live'}
      </p>
      {!ENDED.has(run.status) && (
        <div className="toolbar">
          <ActionButton
            access="run"
            label="Cancel run"
            run={() => api(`/workflow-runs/${run.id}/cancel`, { method: 'POST' })}
            done={reload}
          />
        </div>
      )}
      <h2>Steps</h2>
      <p className="hint" aria-live="polite">
        {[...counts].map(([state, n]) => `${n} ${state.toLowerCase().replace(/_/g, ' ')}`).join(' · ')}
      </p>
      <DagView title={`Run #${run.id}: steps by state`} steps={steps} />
      <div className="table-wrap" tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">Task</th>
              <th scope="col">State</th>
              <th scope="col">Attempts</th>
              <th scope="col">Duration</th>
              <th scope="col">Job</th>
            </tr>
          </thead>
          <tbody>
            {steps.map((st) => (
              <tr key={st.name}>
                <td>{st.name}</td>
                <td>
                  <a href={href(`tasks/${encodeURIComponent(st.task)}`)}>{st.task}</a>
                </td>
                <td>
                  <Status value={st.status} />
                </td>
                <td>{st.attempts}</td>
                <td>{duration(st.durationMs)}</td>
                <td>{st.jobId ? <a href={href(`jobs/${st.jobId}`)}>#{st.jobId}</a> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="two">
        <section aria-labelledby="in-h">
          <h2 id="in-h">Input</h2>
          <Json value={run.input} label="Run input" />
        </section>
        <section aria-labelledby="out-h">
          <h2 id="out-h">{run.error ? 'Error' : 'Output'}</h2>
          <Json value={run.error ?? run.output} label={run.error ? 'Run error' : 'Run output'} />
        </section>
      </div>
    </>
  );
}

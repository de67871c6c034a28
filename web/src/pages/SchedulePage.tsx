// One schedule (#/schedules/ID): what it runs and when (cron read in words and its next five
// runs), enable/disable, trigger now, edit (developers and admins: the next runs follow the
// expression as you type; saving recomputes the next run), delete (after a confirmation), and
// its run history: the jobs it queued, newest first, each linking to its job page.
import { useState, type ReactNode } from 'react';
import { api, apiList } from '../api.ts';
import { href, navigate } from '../router.ts';
import { ErrorBox, Json, Loading, Status, useLoad, when } from '../components/ui.tsx';
import { ActionButton } from '../components/actions.tsx';
import { CronPreview } from '../components/CronPreview.tsx';
import { ScheduleForm } from '../components/ScheduleForm.tsx';
import { Pager } from '../components/Pager.tsx';
import { useSession } from '../session.tsx';
import { useTaskNames } from '../tasks.ts';
import type { Job } from '../types.ts';
import type { Schedule } from './Schedules.tsx';

interface ScheduleDetail extends Schedule {
  description: string | null;
  input: unknown;
  maxRuns: number | null;
  missedRunPolicy: string;
}

const RUNS_PAGE = 10;

function RunHistory({ id }: { id: number }): ReactNode {
  const [page, setPage] = useState(1);
  const { data, error } = useLoad(
    (signal) =>
      apiList<Job>(`/jobs?scheduleId=${id}&_sort=id&_order=desc&limit=${RUNS_PAGE}&page=${page}`, signal),
    [id, page],
    3000,
  );
  return (
    <section aria-labelledby="runs-h">
      <h2 id="runs-h">Run history</h2>
      <ErrorBox error={error} />
      {!data ? (
        <Loading what="runs" />
      ) : data.total === 0 ? (
        <p>No run yet.</p>
      ) : (
        <>
          <div className="table-wrap" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">Job</th>
                  <th scope="col">State</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Queued</th>
                  <th scope="col">Finished</th>
                </tr>
              </thead>
              <tbody>
                {data.data.map((j) => (
                  <tr key={j.id}>
                    <td>
                      <a href={href(`jobs/${j.id}`)}>#{j.id}</a>
                    </td>
                    <td>
                      <Status value={j.status} />
                    </td>
                    <td>{j.attempts}</td>
                    <td>{when(j.createdAt)}</td>
                    <td>{when(j.finishedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} size={RUNS_PAGE} total={data.total} onPage={setPage} />
        </>
      )}
    </section>
  );
}

function DeleteButton({ s }: { s: ScheduleDetail }): ReactNode {
  const { can } = useSession();
  const [asking, setAsking] = useState(false);
  if (!can('write')) return null;
  if (!asking)
    return (
      <button type="button" onClick={() => setAsking(true)}>
        Delete schedule
      </button>
    );
  return (
    <span className="action" role="group" aria-label="Confirm deletion">
      <span>Delete {s.name} for good?</span>
      <ActionButton
        access="write"
        label={`Delete ${s.name}`}
        run={() => api(`/schedules/${s.id}`, { method: 'DELETE' })}
        done={() => navigate('schedules')}
      />
      {/* The button that asked is gone: focus moves to the safe answer, not to the page's start. */}
      <button type="button" autoFocus onClick={() => setAsking(false)}>
        Keep it
      </button>
    </span>
  );
}

export function SchedulePage({ id }: { id: string }): ReactNode {
  const { can } = useSession();
  const names = useTaskNames();
  const [note, setNote] = useState<string | null>(null);
  const {
    data: s,
    error,
    reload,
  } = useLoad(
    (signal) => api<ScheduleDetail>(`/schedules/${encodeURIComponent(id)}`, { signal }),
    [id],
    5000,
  );
  if (!s) return error ? <ErrorBox error={error} /> : <Loading what="the schedule" />;
  const task = s.taskId === null ? undefined : names.get(s.taskId);
  return (
    <>
      <h1>
        Schedule {s.name} <span className="hint">{s.enabled ? 'enabled' : 'disabled'}</span>
      </h1>
      <ErrorBox error={error} />
      {note && <p role="status">{note}</p>}
      <div className="toolbar">
        <ActionButton
          access="write"
          label={s.enabled ? 'Disable' : 'Enable'}
          run={() => api(`/schedules/${s.id}/${s.enabled ? 'disable' : 'enable'}`, { method: 'POST' })}
          done={reload}
        />
        <ActionButton
          access="run"
          label="Trigger now"
          run={async () => {
            const r = await api<{ job: { id: number } | null }>(`/schedules/${s.id}/trigger`, {
              method: 'POST',
            });
            setNote(r.job ? `Queued job #${r.job.id}.` : 'Started a workflow run.');
          }}
          done={reload}
        />
        <DeleteButton s={s} />
      </div>
      <dl className="facts">
        <dt>Runs</dt>
        <dd>
          {s.taskId !== null ? (
            <>task {task ? <a href={href(`tasks/${task}`)}>{task}</a> : s.taskId}</>
          ) : (
            <>workflow {s.workflowId}</>
          )}
        </dd>
        {s.description && (
          <>
            <dt>Description</dt>
            <dd>{s.description}</dd>
          </>
        )}
        <dt>Cron</dt>
        <dd>
          <code>{s.cronExpression}</code>
        </dd>
        <dt>Next run</dt>
        <dd>{s.enabled ? when(s.nextRunAt) : '— (disabled)'}</dd>
        <dt>Last run</dt>
        <dd>{when(s.lastRunAt)}</dd>
        <dt>Run count</dt>
        <dd>
          {s.runCount}
          {s.maxRuns !== null ? ` of at most ${s.maxRuns}` : ''}
        </dd>
        <dt>Missed runs</dt>
        <dd>{s.missedRunPolicy === 'RUN_ONCE' ? 'run once on restart' : 'skipped'}</dd>
      </dl>
      <CronPreview id="sched-reading" expression={s.cronExpression} timezone={s.timezone ?? undefined} />
      <h2>Input</h2>
      <Json value={s.input} label="Input" />
      {s.taskId !== null ? (
        <RunHistory id={s.id} />
      ) : (
        <p>
          The runs this schedule started are among the <a href={href('workflows')}>workflow runs</a>.
        </p>
      )}
      {can('write') && (
        <ScheduleForm
          key={s.updatedAt}
          id="e"
          title="Edit schedule"
          submitLabel="Save schedule"
          initial={{ name: s.name, cronExpression: s.cronExpression, timezone: s.timezone, input: s.input }}
          onSubmit={async (values) => {
            await api(`/schedules/${s.id}`, { method: 'PATCH', body: values });
            setNote(`Saved ${values.name}.`);
            reload();
          }}
        />
      )}
    </>
  );
}

// Schedules: the list (cron with its human reading, next run, state, runs) with enable/disable and
// trigger-now, and a form to create one (developers and admins). Each name opens the schedule's
// page (SchedulePage.tsx): edit, delete, run history.
import { useState, type ReactNode } from 'react';
import { api, apiList } from '../api.ts';
import { href } from '../router.ts';
import { ErrorBox, Loading, useLoad, when } from '../components/ui.tsx';
import { ActionButton } from '../components/actions.tsx';
import { readCron } from '../components/CronPreview.tsx';
import { ScheduleForm } from '../components/ScheduleForm.tsx';
import { useSession } from '../session.tsx';
import { useTaskNames } from '../tasks.ts';

export interface Schedule {
  id: number;
  taskId: number | null;
  workflowId: number | null;
  name: string;
  cronExpression: string;
  timezone: string | null;
  enabled: boolean;
  nextRunAt: string | null;
  lastRunAt: string | null;
  runCount: number;
  updatedAt: string;
}

export function Schedules(): ReactNode {
  const { can } = useSession();
  const names = useTaskNames();
  const [note, setNote] = useState<string | null>(null);
  const { data, error, reload } = useLoad(
    (signal) => apiList<Schedule>('/schedules?limit=200&_sort=name&_order=asc', signal),
    [],
    5000,
  );
  return (
    <>
      <h1>Schedules</h1>
      <ErrorBox error={error} />
      {note && <p role="status">{note}</p>}
      {!data ? (
        <Loading what="schedules" />
      ) : data.total === 0 ? (
        <p>No schedule yet.</p>
      ) : (
        <div className="table-wrap" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Task</th>
                <th scope="col">When</th>
                <th scope="col">Next run</th>
                <th scope="col">State</th>
                <th scope="col">Runs</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {data.data.map((s) => {
                const reading = readCron(s.cronExpression, s.timezone ?? undefined);
                const task = s.taskId === null ? undefined : names.get(s.taskId);
                return (
                  <tr key={s.id}>
                    <td>
                      <a href={href(`schedules/${s.id}`)}>{s.name}</a>
                    </td>
                    <td>
                      {task ? (
                        <a href={href(`tasks/${task}`)}>{task}</a>
                      ) : s.taskId !== null ? (
                        s.taskId
                      ) : (
                        `workflow ${s.workflowId}`
                      )}
                    </td>
                    <td>
                      <code>{s.cronExpression}</code>
                      {'text' in reading && <div className="hint">{reading.text}</div>}
                      {s.timezone && <div className="hint">{s.timezone}</div>}
                    </td>
                    <td>{s.enabled ? when(s.nextRunAt) : '—'}</td>
                    <td>{s.enabled ? 'enabled' : 'disabled'}</td>
                    <td>{s.runCount}</td>
                    <td>
                      <div className="row-actions">
                        <ActionButton
                          access="write"
                          label={`${s.enabled ? 'Disable' : 'Enable'} ${s.name}`}
                          run={() =>
                            api(`/schedules/${s.id}/${s.enabled ? 'disable' : 'enable'}`, { method: 'POST' })
                          }
                          done={reload}
                        />
                        <ActionButton
                          access="run"
                          label={`Trigger ${s.name} now`}
                          run={async () => {
                            const r = await api<{ job: { id: number } }>(`/schedules/${s.id}/trigger`, {
                              method: 'POST',
                            });
                            setNote(`${s.name}: queued job #${r.job.id}.`);
                          }}
                          done={reload}
                        />
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {can('write') && (
        <ScheduleForm
          id="s"
          title="New schedule"
          submitLabel="Create schedule"
          names={names}
          onSubmit={async ({ timezone, ...values }) => {
            await api('/schedules', { body: { ...values, ...(timezone ? { timezone } : {}) } });
            reload();
          }}
        />
      )}
    </>
  );
}

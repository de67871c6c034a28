// Schedules: the list (cron with its human reading, next run, state, runs) with enable/disable and
// trigger-now, and a form to create one (developers and admins).
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, apiList } from '../api.ts';
import { href } from '../router.ts';
import { ErrorBox, Loading, useLoad, when } from '../components/ui.tsx';
import { ActionButton } from '../components/actions.tsx';
import { CronPreview, readCron } from '../components/CronPreview.tsx';
import { useSession } from '../session.tsx';
import { useTaskNames } from '../tasks.ts';

interface Schedule {
  id: number;
  taskId: number;
  name: string;
  cronExpression: string;
  timezone: string | null;
  enabled: boolean;
  nextRunAt: string | null;
  lastRunAt: string | null;
  runCount: number;
}

function CreateForm({ names, created }: { names: Map<number, string>; created: () => void }): ReactNode {
  const [task, setTask] = useState('');
  const [name, setName] = useState('');
  const [cron, setCron] = useState('');
  const [timezone, setTimezone] = useState('');
  const [input, setInput] = useState('{}');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch (err) {
      setProblem(`Input is not JSON: ${(err as Error).message}`);
      return;
    }
    setBusy(true);
    setProblem(null);
    api('/schedules', {
      body: {
        taskId: Number(task),
        name: name.trim(),
        cronExpression: cron.trim(),
        input: parsed,
        ...(timezone.trim() ? { timezone: timezone.trim() } : {}),
      },
    })
      .then(() => {
        setName('');
        setCron('');
        created();
      })
      .catch((err: unknown) => setProblem((err as Error).message))
      .finally(() => setBusy(false));
  };
  const cronOk = cron.trim() !== '' && !('error' in readCron(cron.trim(), timezone.trim() || undefined));
  return (
    <form className="create" onSubmit={submit} aria-labelledby="create-h">
      <h2 id="create-h">New schedule</h2>
      <span className="field">
        <label htmlFor="s-task">Task</label>
        <select id="s-task" required value={task} onChange={(e) => setTask(e.target.value)}>
          <option value="">choose a task</option>
          {[...names].map(([id, n]) => (
            <option key={id} value={id}>
              {n}
            </option>
          ))}
        </select>
      </span>
      <span className="field">
        <label htmlFor="s-name">Name</label>
        <input id="s-name" required maxLength={128} value={name} onChange={(e) => setName(e.target.value)} />
      </span>
      <span className="field">
        <label htmlFor="s-cron">Cron expression</label>
        <input
          id="s-cron"
          required
          placeholder="*/5 * * * *"
          value={cron}
          onChange={(e) => setCron(e.target.value)}
          aria-describedby="s-cron-reading"
        />
      </span>
      <span className="field">
        <label htmlFor="s-tz">Time zone (IANA, default UTC)</label>
        <input
          id="s-tz"
          placeholder="Europe/Paris"
          value={timezone}
          onChange={(e) => setTimezone(e.target.value)}
        />
      </span>
      <CronPreview id="s-cron-reading" expression={cron} timezone={timezone.trim() || undefined} />
      <span className="field">
        <label htmlFor="s-input">Input (JSON)</label>
        <textarea id="s-input" rows={3} value={input} onChange={(e) => setInput(e.target.value)} />
      </span>
      <button type="submit" disabled={busy || !cronOk}>
        Create schedule
      </button>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
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
                const task = names.get(s.taskId);
                return (
                  <tr key={s.id}>
                    <td>{s.name}</td>
                    <td>{task ? <a href={href(`tasks/${task}`)}>{task}</a> : s.taskId}</td>
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
      {can('write') && <CreateForm names={names} created={reload} />}
    </>
  );
}

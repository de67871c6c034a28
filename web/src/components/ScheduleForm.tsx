// The fields of a schedule, for creating one and for editing one: task (create only), name, cron
// expression with its reading and next five runs as you type, time zone and input as JSON. The
// submit button stays disabled while the expression is not valid cron.
import { useState, type FormEvent, type ReactNode } from 'react';
import { CronPreview, readCron } from './CronPreview.tsx';
import { parseJsonField } from './ui.tsx';

export interface ScheduleValues {
  taskId?: number;
  name: string;
  cronExpression: string;
  timezone: string | null;
  input: unknown;
}

export function ScheduleForm({
  id,
  title,
  submitLabel,
  initial,
  names,
  onSubmit,
}: {
  /** Prefix of the fields' ids: two forms may share a page. */
  id: string;
  title: string;
  submitLabel: string;
  initial?: ScheduleValues;
  /** Task names by id: given, the form asks for the task (creation). */
  names?: Map<number, string>;
  /** Resolves when saved; a rejection's message is shown under the form. */
  onSubmit: (values: ScheduleValues) => Promise<void>;
}): ReactNode {
  const [task, setTask] = useState('');
  const [name, setName] = useState(initial?.name ?? '');
  const [cron, setCron] = useState(initial?.cronExpression ?? '');
  const [timezone, setTimezone] = useState(initial?.timezone ?? '');
  const [input, setInput] = useState(initial ? JSON.stringify(initial.input ?? {}, null, 2) : '{}');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const tz = timezone.trim() || undefined;
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const parsed = parseJsonField(input);
    if ('problem' in parsed) {
      setProblem(parsed.problem);
      return;
    }
    setBusy(true);
    setProblem(null);
    onSubmit({
      ...(names ? { taskId: Number(task) } : {}),
      name: name.trim(),
      cronExpression: cron.trim(),
      timezone: tz ?? null,
      input: parsed.value,
    })
      .then(() => {
        if (!initial) {
          setName('');
          setCron('');
        }
      })
      .catch((err: unknown) => setProblem((err as Error).message))
      .finally(() => setBusy(false));
  };
  const cronOk = cron.trim() !== '' && !('error' in readCron(cron.trim(), tz));
  return (
    <form className="create" onSubmit={submit} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{title}</h2>
      {names && (
        <span className="field">
          <label htmlFor={`${id}-task`}>Task</label>
          <select id={`${id}-task`} required value={task} onChange={(e) => setTask(e.target.value)}>
            <option value="">choose a task</option>
            {[...names].map(([taskId, n]) => (
              <option key={taskId} value={taskId}>
                {n}
              </option>
            ))}
          </select>
        </span>
      )}
      <span className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          required
          maxLength={128}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </span>
      <span className="field">
        <label htmlFor={`${id}-cron`}>Cron expression</label>
        <input
          id={`${id}-cron`}
          required
          placeholder="*/5 * * * *"
          value={cron}
          onChange={(e) => setCron(e.target.value)}
          aria-describedby={`${id}-cron-reading`}
        />
      </span>
      <span className="field">
        <label htmlFor={`${id}-tz`}>Time zone (IANA, default UTC)</label>
        <input
          id={`${id}-tz`}
          placeholder="Europe/Paris"
          value={timezone}
          onChange={(e) => setTimezone(e.target.value)}
        />
      </span>
      <CronPreview id={`${id}-cron-reading`} expression={cron} timezone={tz} />
      <span className="field">
        <label htmlFor={`${id}-input`}>Input (JSON)</label>
        <textarea id={`${id}-input`} rows={3} value={input} onChange={(e) => setInput(e.target.value)} />
      </span>
      <button type="submit" disabled={busy || !cronOk}>
        {submitLabel}
      </button>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}

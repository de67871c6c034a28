// One workflow (#/workflows/NAME): its latest version's description and DAG, the definition as
// stored (normalised JSON), its versions, its runs (newest first, paged, refreshed every 3 s) and,
// for operators and above, a form that starts a run with a JSON input and opens the run's page.
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, apiList } from '../api.ts';
import { href, navigate } from '../router.ts';
import { ErrorBox, Json, Loading, parseJsonField, useLoad, when } from '../components/ui.tsx';
import { DagView, type DagViewStep } from '../components/DagView.tsx';
import { RunsTable, type WorkflowRun } from '../components/RunsTable.tsx';
import { Pager } from '../components/Pager.tsx';
import { useSession } from '../session.tsx';

interface WorkflowVersion {
  id: number;
  name: string;
  version: string;
  description: string;
  definition: { steps?: DagViewStep[] };
  createdAt: string;
}

const RUNS_PAGE = 10;

function StartRun({ name }: { name: string }): ReactNode {
  const [input, setInput] = useState('{}');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const parsed = parseJsonField(input);
    if ('problem' in parsed) {
      setProblem(parsed.problem);
      return;
    }
    setBusy(true);
    setProblem(null);
    api<WorkflowRun>('/workflow-runs', { body: { workflow: name, input: parsed.value } })
      .then((run) => navigate(`workflow-runs/${run.id}`))
      .catch((err: unknown) => setProblem((err as Error).message))
      .finally(() => setBusy(false));
  };
  return (
    <form className="create" onSubmit={submit} aria-labelledby="start-h">
      <h2 id="start-h">Start a run</h2>
      <span className="field">
        <label htmlFor="run-input">Input (JSON)</label>
        <textarea id="run-input" rows={4} value={input} onChange={(e) => setInput(e.target.value)} />
      </span>
      <button type="submit" disabled={busy}>
        Start run
      </button>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}

export default function WorkflowPage({ name }: { name: string }): ReactNode {
  const { can } = useSession();
  const [page, setPage] = useState(1);
  const enc = encodeURIComponent(name);
  const { data, error } = useLoad(
    async (signal) => {
      const [latest, versions] = await Promise.all([
        api<WorkflowVersion>(`/workflows/${enc}`, { signal }),
        api<WorkflowVersion[]>(`/workflows/${enc}/versions`, { signal }),
      ]);
      return { latest, versions };
    },
    [name],
  );
  const runs = useLoad(
    (signal) =>
      apiList<WorkflowRun>(
        `/workflow-runs?workflow=${enc}&_sort=id&_order=desc&limit=${RUNS_PAGE}&page=${page}`,
        signal,
      ),
    [name, page],
    3000,
  );
  if (!data) return error ? <ErrorBox error={error} /> : <Loading what="the workflow" />;
  const { latest, versions } = data;
  const steps = latest.definition.steps ?? [];
  return (
    <>
      <h1>
        Workflow {latest.name} <span className="hint">{latest.version}</span>
      </h1>
      {latest.description && <p>{latest.description}</p>}
      <h2>Steps</h2>
      <DagView title={`The steps of ${latest.name} ${latest.version}`} steps={steps} />
      <h2>Runs</h2>
      <ErrorBox error={runs.error} />
      {!runs.data ? (
        <Loading what="runs" />
      ) : (
        <>
          <RunsTable runs={runs.data.data} />
          {runs.data.total > RUNS_PAGE && (
            <Pager page={page} size={RUNS_PAGE} total={runs.data.total} onPage={setPage} />
          )}
        </>
      )}
      {can('run') && <StartRun name={latest.name} />}
      <h2>Definition</h2>
      <Json value={latest.definition} label={`Definition of ${latest.name} ${latest.version}`} />
      <h2>Versions</h2>
      <ul>
        {versions.map((v) => (
          <li key={v.id}>
            {v.version} · {when(v.createdAt)}
          </li>
        ))}
      </ul>
      <p>
        <a href={href('workflows')}>All workflows</a>
      </p>
    </>
  );
}

// One task: metadata, versions, code, schemas, and a run form generated from its input schema
// (@rjsf/core with the Ajv 8 validator: messages inline, beside each field) that executes the task
// now (POST /tasks/{id}/execute) and shows the outcome. Loaded lazily: the form library and Ajv
// are only fetched when a task page is opened.
import { useState, type ReactNode } from 'react';
import Form from '@rjsf/core';
import validator from '@rjsf/validator-ajv8';
import type { RJSFSchema } from '@rjsf/utils';
import { api, apiList } from '../api.ts';
import { ErrorBox, Json, Loading, useLoad, when } from '../components/ui.tsx';
import { ExecutionResult, type Outcome } from '../components/ExecutionResult.tsx';
import { useSession } from '../session.tsx';
import { CodeView } from '../components/CodeView.tsx';
import type { ExecutionError } from '../types.ts';
import { Problem } from '../components/Problem.tsx';
import { TaskEditor } from './TaskEditor.tsx';
import { TaskTests } from './TaskTests.tsx';

interface TaskDetail {
  id: number;
  name: string;
  description: string | null;
  enabled: boolean;
  available: boolean;
  latestVersion: string | null;
  version: {
    version: string;
    code: string;
    inputSchema: RJSFSchema;
    outputSchema: RJSFSchema;
    metadata: Record<string, unknown>;
    tests: { name: string }[];
  } | null;
}

interface Version {
  id: number;
  version: string;
  changeSource: string;
  changedBy: string | null;
  createdAt: string;
}

interface ExecuteResult extends Outcome {
  executionId: number;
  error?: ExecutionError;
}

function RunForm({ task }: { task: TaskDetail }): ReactNode {
  const [formData, setFormData] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ExecuteResult | null>(null);
  const [problem, setProblem] = useState<Error | null>(null);
  const version = task.version!;
  // The schema's own $schema draft URL is not needed by the form and would make Ajv look for a meta-schema.
  const { $schema: _draft, ...schema } = version.inputSchema;
  return (
    <section aria-labelledby="run-h">
      <h2 id="run-h">Run</h2>
      <Form
        schema={schema}
        validator={validator}
        formData={formData}
        showErrorList={false}
        noHtml5Validate
        onChange={(e) => setFormData(e.formData)}
        onSubmit={(e) => {
          setBusy(true);
          setProblem(null);
          setResult(null);
          api<ExecuteResult>(`/tasks/${task.id}/execute`, { body: { input: e.formData ?? {} } })
            .then(setResult)
            .catch((err: unknown) => setProblem(err as Error))
            .finally(() => setBusy(false));
        }}
      >
        <button type="submit" disabled={busy}>
          {busy ? 'Running…' : 'Run task'}
        </button>
      </Form>
      <Problem problem={problem} />
      {result && (
        <section aria-live="polite" aria-labelledby="result-h">
          <h3 id="result-h">Result of execution #{result.executionId}</h3>
          <ExecutionResult outcome={result} code={version.code} />
        </section>
      )}
    </section>
  );
}

export default function TaskPage({ id }: { id: string }): ReactNode {
  const { can } = useSession();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const { data, error, reload } = useLoad(
    async (signal) => {
      const [task, versions] = await Promise.all([
        api<TaskDetail>(`/tasks/${encodeURIComponent(id)}`, { signal }),
        apiList<Version>(`/tasks/${encodeURIComponent(id)}/versions`, signal),
      ]);
      return { task, versions: versions.data };
    },
    [id],
  );
  if (!data) return error ? <ErrorBox error={error} /> : <Loading what={`task ${id}`} />;
  const { task, versions } = data;
  const v = task.version;
  return (
    <>
      <h1>{task.name}</h1>
      {task.description && <p>{task.description}</p>}
      <dl className="facts">
        <dt>Latest version</dt>
        <dd>{task.latestVersion ?? '—'}</dd>
        <dt>State</dt>
        <dd>{!task.available ? 'gone from its source' : task.enabled ? 'enabled' : 'disabled'}</dd>
      </dl>
      {saved && <p role="status">Saved version {saved}.</p>}
      {v && can('run') && task.enabled && task.available && <RunForm key={v.version} task={task} />}
      {v && editing && (
        <TaskEditor
          taskId={task.id}
          current={v}
          onCancel={() => setEditing(false)}
          onSaved={(version) => {
            setEditing(false);
            setSaved(version);
            reload();
          }}
        />
      )}
      {v && !editing && (
        <>
          <h2>Code</h2>
          {can('write') && task.available && (
            <button type="button" onClick={() => setEditing(true)}>
              Edit code and schemas
            </button>
          )}
          <CodeView code={v.code} label={`main.js of ${task.name} ${v.version}`} />
          <div className="two">
            <div>
              <h2>Input schema</h2>
              <Json value={v.inputSchema} label="Input schema" />
            </div>
            <div>
              <h2>Output schema</h2>
              <Json value={v.outputSchema} label="Output schema" />
            </div>
          </div>
          <TaskTests key={v.version} taskId={task.id} cases={v.tests} canRun={can('run')} />
          <h2>Metadata</h2>
          <Json value={v.metadata} label="Metadata" />
        </>
      )}
      <h2>Versions</h2>
      <div className="table-wrap" tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Source</th>
              <th scope="col">Changed by</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((ver) => (
              <tr key={ver.id}>
                <td>{ver.version}</td>
                <td>{ver.changeSource}</td>
                <td>{ver.changedBy ?? '—'}</td>
                <td>{when(ver.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

// Editing a task: main.js and both schemas in CodeMirror editors, saved as a new version through
// PUT /tasks/{id} (the server bumps the patch number unless a version is given, and answers 422
// naming the field and line:column of a syntax error or a bad schema). Loaded with the task page.
import { useState, type ReactNode } from 'react';
import { api } from '../api.ts';
import { CodeEditor } from '../components/CodeEditor.tsx';
import { Problem } from '../components/Problem.tsx';

export interface EditableVersion {
  version: string;
  code: string;
  inputSchema: unknown;
  outputSchema: unknown;
}

const pretty = (v: unknown): string => (v === null || v === undefined ? '' : JSON.stringify(v, null, 2));

/** A schema editor's text as the request wants it: null when empty; an Error names the editor. */
function parseSchema(text: string, what: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`${what} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}

export function TaskEditor({
  taskId,
  current,
  onSaved,
  onCancel,
}: {
  taskId: number;
  current: EditableVersion;
  onSaved: (version: string) => void;
  onCancel: () => void;
}): ReactNode {
  const [code, setCode] = useState(current.code);
  const [input, setInput] = useState(pretty(current.inputSchema));
  const [output, setOutput] = useState(pretty(current.outputSchema));
  const [version, setVersion] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Error | null>(null);

  const save = (): void => {
    setProblem(null);
    let body: Record<string, unknown>;
    try {
      // Only what changed: the server takes the rest from the latest version as stored.
      body = {};
      if (code !== current.code) body.code = code;
      if (input !== pretty(current.inputSchema)) body.inputSchema = parseSchema(input, 'The input schema');
      if (output !== pretty(current.outputSchema))
        body.outputSchema = parseSchema(output, 'The output schema');
      if (version.trim()) body.version = version.trim();
    } catch (e) {
      setProblem(e as Error);
      return;
    }
    setBusy(true);
    api<{ latestVersion: string }>(`/tasks/${taskId}`, { method: 'PUT', body })
      .then((saved) => onSaved(saved.latestVersion))
      .catch((e: unknown) => setProblem(e as Error))
      .finally(() => setBusy(false));
  };

  return (
    <section aria-labelledby="edit-h">
      <h2 id="edit-h">Edit (saves a new version after {current.version})</h2>
      <h3>main.js</h3>
      <CodeEditor initial={current.code} language="javascript" label="main.js" onChange={setCode} />
      <div className="two">
        <div>
          <h3>Input schema</h3>
          <CodeEditor initial={input} language="json" label="Input schema (JSON)" onChange={setInput} />
        </div>
        <div>
          <h3>Output schema</h3>
          <CodeEditor initial={output} language="json" label="Output schema (JSON)" onChange={setOutput} />
        </div>
      </div>
      <p>
        <label>
          New version{' '}
          <input
            value={version}
            onChange={(e) => setVersion(e.target.value)}
            placeholder="next patch"
            size={12}
          />
        </label>{' '}
        <button type="button" onClick={save} disabled={busy}>
          {busy ? 'Saving…' : 'Save new version'}
        </button>{' '}
        <button type="button" onClick={onCancel} disabled={busy}>
          Discard changes
        </button>
      </p>
      <Problem problem={problem} />
    </section>
  );
}

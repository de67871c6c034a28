// The task's stored test cases and a "Run tests" button: POST /tasks/{id}/test runs them in the
// sandbox (the runner `ratchet test` uses) and each case shows passed/failed with its message and,
// when the output differed, the `- expected` / `+ actual` diff lines.
import { useState, type ReactNode } from 'react';
import { api } from '../api.ts';
import { Problem } from '../components/Problem.tsx';
import { duration } from '../components/ui.tsx';

interface CaseResult {
  name: string;
  file: string;
  status: 'passed' | 'failed' | 'error';
  durationMs: number;
  message?: string;
  diff?: string[];
}

interface Report {
  ok: boolean;
  task: { name: string; version: string };
  cases: CaseResult[];
  passed: number;
  failed: number;
  errors: number;
  durationMs: number;
}

function Diff({ lines }: { lines: string[] }): ReactNode {
  return (
    <pre className="diff" aria-label="Difference (- expected, + actual)" tabIndex={0}>
      {lines.map((l, i) => (
        <span key={i} className={l.startsWith('-') ? 'del' : l.startsWith('+') ? 'add' : undefined}>
          {l}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}

export function TaskTests({
  taskId,
  cases,
  canRun,
}: {
  taskId: number;
  cases: { name: string }[];
  canRun: boolean;
}): ReactNode {
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<Report | null>(null);
  const [problem, setProblem] = useState<Error | null>(null);
  const run = (): void => {
    setBusy(true);
    setProblem(null);
    api<Report>(`/tasks/${taskId}/test`, { body: {} })
      .then(setReport)
      .catch((e: unknown) => setProblem(e as Error))
      .finally(() => setBusy(false));
  };
  return (
    <section aria-labelledby="tests-h">
      <h2 id="tests-h">Test cases ({cases.length})</h2>
      {cases.length === 0 && <p>This version has no test cases.</p>}
      {cases.length > 0 && !report && (
        <ul>
          {cases.map((c) => (
            <li key={c.name}>{c.name}</li>
          ))}
        </ul>
      )}
      {canRun && cases.length > 0 && (
        <button type="button" onClick={run} disabled={busy}>
          {busy ? 'Running tests…' : 'Run tests'}
        </button>
      )}
      <Problem problem={problem} />
      {report && (
        <div aria-live="polite">
          <p role="status">
            {report.task.version}: {report.passed} passed, {report.failed} failed
            {report.errors > 0 ? `, ${report.errors} unusable` : ''} in {duration(report.durationMs)}
          </p>
          <div className="table-wrap" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">Case</th>
                  <th scope="col">Result</th>
                  <th scope="col">Time</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {report.cases.map((c) => (
                  <tr key={c.file + c.name}>
                    <td>
                      {c.name}
                      <br />
                      <small>{c.file}</small>
                    </td>
                    <td className={`case-${c.status}`}>{c.status}</td>
                    <td>{duration(c.durationMs)}</td>
                    <td>
                      {c.message && <span>{c.message}</span>}
                      {c.diff && c.diff.length > 0 && <Diff lines={c.diff} />}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}

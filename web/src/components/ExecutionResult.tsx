// One execution's outcome: status, timing, output, the error with the failing line of the task's
// code (when the error has a location and the code is at hand), console logs and HTTP calls.
import type { ReactNode } from 'react';
import { duration, Json, Status } from './ui.tsx';
import type { ExecutionError } from '../types.ts';

export interface Outcome {
  status: string;
  output?: unknown;
  error?: ExecutionError | null;
  durationMs?: number | null;
  logs?: unknown[] | null;
  http?: unknown[] | null;
}

function logLine(entry: unknown): string {
  if (typeof entry === 'string') return entry;
  if (entry && typeof entry === 'object') {
    const e = entry as { level?: string; message?: string; args?: unknown[] };
    const text =
      e.message ??
      (e.args
        ? e.args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')
        : JSON.stringify(entry));
    return e.level ? `[${e.level}] ${text}` : text;
  }
  return JSON.stringify(entry);
}

export function FailingLine({ error, code }: { error: ExecutionError; code: string | undefined }): ReactNode {
  const loc = error.location;
  if (!loc) return null;
  const lines = code?.split('\n');
  const line = lines?.[loc.line - 1];
  return (
    <figure className="failing-line">
      <figcaption>
        {loc.file}, line {loc.line}
        {loc.column !== undefined ? `, column ${loc.column}` : ''}
      </figcaption>
      {line !== undefined && (
        <pre>
          <span className="ln">{loc.line}</span>
          {line}
          {loc.column !== undefined && (
            <>
              {'\n'}
              <span className="ln" aria-hidden="true">
                {' '.repeat(String(loc.line).length)}
              </span>
              {`${' '.repeat(loc.column - 1)}^`}
            </>
          )}
        </pre>
      )}
    </figure>
  );
}

export function ExecutionResult({ outcome, code }: { outcome: Outcome; code?: string }): ReactNode {
  const logs = outcome.logs ?? [];
  return (
    <div className="result">
      <p>
        <Status value={outcome.status} />{' '}
        {outcome.durationMs !== undefined && <>in {duration(outcome.durationMs)}</>}
      </p>
      {outcome.error ? (
        <div className="error-block" role="alert">
          <p>
            <strong>{outcome.error.type}</strong>: {outcome.error.message}
          </p>
          <FailingLine error={outcome.error} code={code} />
        </div>
      ) : outcome.output !== undefined ? (
        <>
          <h3>Output</h3>
          <Json value={outcome.output} label="Output" />
        </>
      ) : null}
      <h3>Logs</h3>
      {logs.length === 0 ? (
        <p>No log lines.</p>
      ) : (
        <pre className="logs" aria-label="Logs" tabIndex={0}>
          {logs.map(logLine).join('\n')}
        </pre>
      )}
      {outcome.http && outcome.http.length > 0 && (
        <>
          <h3>HTTP calls</h3>
          <Json value={outcome.http} label="HTTP calls" />
        </>
      )}
    </div>
  );
}

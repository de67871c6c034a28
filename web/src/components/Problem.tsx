// A failed request shown as a person reads it: the server's message and, for a 422, each field
// it names (path and what is wrong, with file:line:column where the server gives one).
import type { ReactNode } from 'react';
import { ApiError } from '../api.ts';

export function Problem({ problem }: { problem: Error | null }): ReactNode {
  if (!problem) return null;
  const fields =
    problem instanceof ApiError && Array.isArray(problem.details?.fields)
      ? (problem.details.fields as { path: string; message: string }[])
      : [];
  return (
    <div className="error-block" role="alert">
      <p>{problem.message}</p>
      {fields.length > 0 && (
        <ul>
          {fields.map((f) => (
            <li key={f.path + f.message}>
              <code>{f.path}</code> {f.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

// Workflow runs as a table: id (a link to the run page), workflow, version, state and times.
import type { ReactNode } from 'react';
import { href } from '../router.ts';
import { Status, when } from './ui.tsx';

export interface WorkflowRun {
  id: number;
  uuid: string;
  workflow: string;
  version: string;
  status: string;
  input: unknown;
  output: unknown;
  error: unknown;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export function RunsTable({
  runs,
  showWorkflow = false,
}: {
  runs: WorkflowRun[];
  showWorkflow?: boolean;
}): ReactNode {
  if (runs.length === 0) return <p>No run yet.</p>;
  return (
    <div className="table-wrap" tabIndex={0}>
      <table>
        <thead>
          <tr>
            <th scope="col">Run</th>
            {showWorkflow && <th scope="col">Workflow</th>}
            <th scope="col">Version</th>
            <th scope="col">State</th>
            <th scope="col">Started</th>
            <th scope="col">Finished</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id}>
              <td>
                <a href={href(`workflow-runs/${r.id}`)}>Run #{r.id}</a>
              </td>
              {showWorkflow && <td>{r.workflow}</td>}
              <td>{r.version}</td>
              <td>
                <Status value={r.status} />
              </td>
              <td>{when(r.createdAt)}</td>
              <td>{when(r.finishedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// Workflows: every stored workflow with its latest version and description (GET /api/v1/workflows),
// and the latest runs of all of them; each links to its page.
import type { ReactNode } from 'react';
import { apiList } from '../api.ts';
import { href } from '../router.ts';
import { ErrorBox, Loading, useLoad, when } from '../components/ui.tsx';
import { RunsTable, type WorkflowRun } from '../components/RunsTable.tsx';

interface Workflow {
  id: number;
  name: string;
  latestVersion: string | null;
  description: string;
  updatedAt: string;
}

export function Workflows(): ReactNode {
  const { data, error } = useLoad(
    async (signal) => {
      const [workflows, runs] = await Promise.all([
        apiList<Workflow>('/workflows?limit=200&_sort=name&_order=asc', signal),
        apiList<WorkflowRun>('/workflow-runs?limit=10&_sort=id&_order=desc', signal),
      ]);
      return { workflows, runs };
    },
    [],
    3000,
  );
  return (
    <>
      <h1>Workflows</h1>
      <ErrorBox error={error} />
      {!data ? (
        <Loading what="workflows" />
      ) : data.workflows.total === 0 ? (
        <p>
          No workflow yet: store one with <code>ratchet workflow save</code> or{' '}
          <code>POST /api/v1/workflows</code>.
        </p>
      ) : (
        <>
          <div className="table-wrap" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Latest version</th>
                  <th scope="col">Description</th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {data.workflows.data.map((w) => (
                  <tr key={w.id}>
                    <td>
                      <a href={href(`workflows/${encodeURIComponent(w.name)}`)}>{w.name}</a>
                    </td>
                    <td>{w.latestVersion ?? '—'}</td>
                    <td>{w.description || '—'}</td>
                    <td>{when(w.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2>Latest runs</h2>
          <RunsTable runs={data.runs.data} showWorkflow />
        </>
      )}
    </>
  );
}

// Executions (attempts of jobs and direct runs): server-paged, filterable, sortable; refreshed every 2 s.
import type { ReactNode } from 'react';
import { apiList } from '../api.ts';
import { href, useRoute } from '../router.ts';
import { duration, ErrorBox, Status, useLoad, when } from '../components/ui.tsx';
import { listQuery, listState, PagedTable, SortHeader, StateTaskFilters } from '../components/listing.tsx';
import { useTaskNames } from '../tasks.ts';
import { EXECUTION_STATES, type Execution } from '../types.ts';

export function Executions(): ReactNode {
  const route = useRoute();
  const state = listState(route, ['status', 'taskId']);
  const names = useTaskNames();
  const query = listQuery(state);
  const { data, error } = useLoad(
    (signal) => apiList<Execution>(`/executions?${query}`, signal),
    [query],
    2000,
  );
  const S = 'executions';
  return (
    <>
      <h1>Executions</h1>
      <StateTaskFilters section={S} state={state} states={EXECUTION_STATES} names={names} />
      <ErrorBox error={error} />
      <PagedTable
        section={S}
        state={state}
        total={data?.total}
        plural="executions"
        one="execution"
        head={
          <>
            <SortHeader field="id" label="Execution" state={state} section={S} />
            <th scope="col">Task</th>
            <SortHeader field="status" label="State" state={state} section={S} />
            <th scope="col">Job</th>
            <th scope="col">Attempt</th>
            <SortHeader field="durationMs" label="Duration" state={state} section={S} />
            <SortHeader field="createdAt" label="Created" state={state} section={S} />
            <th scope="col">Finished</th>
          </>
        }
      >
        {data?.data.map((j) => (
          <tr key={j.id}>
            <td>
              <a href={href(`executions/${j.id}`)}>#{j.id}</a>
            </td>
            <td>{names.get(j.taskId) ?? j.taskId}</td>
            <td>
              <Status value={j.status} />
            </td>
            <td>{j.jobId === null ? 'direct run' : <a href={href(`jobs/${j.jobId}`)}>#{j.jobId}</a>}</td>
            <td>{j.attempt}</td>
            <td>{duration(j.durationMs)}</td>
            <td>{when(j.createdAt)}</td>
            <td>{when(j.finishedAt)}</td>
          </tr>
        ))}
      </PagedTable>
    </>
  );
}

// Jobs: server-paged, filterable by state and task, sortable; refreshed every 2 s.
import type { ReactNode } from 'react';
import { apiList } from '../api.ts';
import { href, useRoute } from '../router.ts';
import { ErrorBox, Status, useLoad, when } from '../components/ui.tsx';
import { listQuery, listState, PagedTable, SortHeader, StateTaskFilters } from '../components/listing.tsx';
import { useTaskNames } from '../tasks.ts';
import { JOB_STATES, type Job } from '../types.ts';

export function Jobs(): ReactNode {
  const route = useRoute();
  const state = listState(route, ['status', 'taskId']);
  const names = useTaskNames();
  const query = listQuery(state);
  const { data, error } = useLoad((signal) => apiList<Job>(`/jobs?${query}`, signal), [query], 2000);
  const S = 'jobs';
  return (
    <>
      <h1>Jobs</h1>
      <StateTaskFilters section={S} state={state} states={JOB_STATES} names={names} />
      <ErrorBox error={error} />
      <PagedTable
        section={S}
        state={state}
        total={data?.total}
        plural="jobs"
        one="job"
        head={
          <>
            <SortHeader field="id" label="Job" state={state} section={S} />
            <th scope="col">Task</th>
            <SortHeader field="status" label="State" state={state} section={S} />
            <SortHeader field="priorityValue" label="Priority" state={state} section={S} />
            <th scope="col">Attempts</th>
            <SortHeader field="createdAt" label="Created" state={state} section={S} />
            <th scope="col">Finished</th>
          </>
        }
      >
        {data?.data.map((j) => (
          <tr key={j.id}>
            <td>
              <a href={href(`jobs/${j.id}`)}>#{j.id}</a>
            </td>
            <td>{names.get(j.taskId) ?? j.taskId}</td>
            <td>
              <Status value={j.status} />
            </td>
            <td>{j.priority}</td>
            <td>
              {j.attempts}/{j.maxRetries + 1}
            </td>
            <td>{when(j.createdAt)}</td>
            <td>{when(j.finishedAt)}</td>
          </tr>
        ))}
      </PagedTable>
    </>
  );
}

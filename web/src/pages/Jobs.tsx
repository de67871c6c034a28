// Jobs: server-paged, filterable by state and task, sortable; refreshed every 2 s.
import type { ReactNode } from 'react';
import { apiList } from '../api.ts';
import { href, useRoute } from '../router.ts';
import { ErrorBox, Loading, Status, useLoad, when } from '../components/ui.tsx';
import { go, listQuery, listState, PAGE_SIZE, Select, SortHeader } from '../components/listing.tsx';
import { Pager } from '../components/Pager.tsx';
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
      <div className="filters">
        <Select
          label="State"
          value={state.filters.status ?? ''}
          options={JOB_STATES.map((s) => [s, s] as const)}
          onChange={(v) => go(S, state, { filters: { ...state.filters, status: v }, page: 1 })}
        />
        <Select
          label="Task"
          value={state.filters.taskId ?? ''}
          options={[...names].map(([id, name]) => [String(id), name] as const)}
          onChange={(v) => go(S, state, { filters: { ...state.filters, taskId: v }, page: 1 })}
        />
      </div>
      <ErrorBox error={error} />
      {!data ? (
        <Loading what="jobs" />
      ) : data.total === 0 ? (
        <p>No job matches.</p>
      ) : (
        <>
          <div className="table-wrap" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <SortHeader field="id" label="Job" state={state} section={S} />
                  <th scope="col">Task</th>
                  <SortHeader field="status" label="State" state={state} section={S} />
                  <SortHeader field="priorityValue" label="Priority" state={state} section={S} />
                  <th scope="col">Attempts</th>
                  <SortHeader field="createdAt" label="Created" state={state} section={S} />
                  <th scope="col">Finished</th>
                </tr>
              </thead>
              <tbody>
                {data.data.map((j) => (
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
              </tbody>
            </table>
          </div>
          <Pager
            page={state.page}
            size={PAGE_SIZE}
            total={data.total}
            onPage={(page) => go(S, state, { page })}
          />
        </>
      )}
    </>
  );
}

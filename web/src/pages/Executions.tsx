// Executions (attempts of jobs and direct runs): server-paged, filterable, sortable; refreshed every 2 s.
import type { ReactNode } from 'react';
import { apiList } from '../api.ts';
import { href, useRoute } from '../router.ts';
import { duration, ErrorBox, Loading, Status, useLoad, when } from '../components/ui.tsx';
import { go, listQuery, listState, PAGE_SIZE, Select, SortHeader } from '../components/listing.tsx';
import { Pager } from '../components/Pager.tsx';
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
      <div className="filters">
        <Select
          label="State"
          value={state.filters.status ?? ''}
          options={EXECUTION_STATES.map((s) => [s, s] as const)}
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
        <Loading what="executions" />
      ) : data.total === 0 ? (
        <p>No execution matches.</p>
      ) : (
        <>
          <div className="table-wrap" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <SortHeader field="id" label="Execution" state={state} section={S} />
                  <th scope="col">Task</th>
                  <SortHeader field="status" label="State" state={state} section={S} />
                  <th scope="col">Job</th>
                  <th scope="col">Attempt</th>
                  <SortHeader field="durationMs" label="Duration" state={state} section={S} />
                  <SortHeader field="createdAt" label="Created" state={state} section={S} />
                  <th scope="col">Finished</th>
                </tr>
              </thead>
              <tbody>
                {data.data.map((j) => (
                  <tr key={j.id}>
                    <td>
                      <a href={href(`executions/${j.id}`)}>#{j.id}</a>
                    </td>
                    <td>{names.get(j.taskId) ?? j.taskId}</td>
                    <td>
                      <Status value={j.status} />
                    </td>
                    <td>
                      {j.jobId === null ? 'direct run' : <a href={href(`jobs/${j.jobId}`)}>#{j.jobId}</a>}
                    </td>
                    <td>{j.attempt}</td>
                    <td>{duration(j.durationMs)}</td>
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

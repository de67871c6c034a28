// Tasks: a list searchable by name (the server filters with name_like), linking to each task's page.
import { useState, type ReactNode } from 'react';
import { apiList } from '../api.ts';
import { href, navigate, useRoute } from '../router.ts';
import { ErrorBox, Loading, useLoad } from '../components/ui.tsx';
import { Pager } from '../components/Pager.tsx';
import { PAGE_SIZE } from '../components/listing.tsx';
import type { TaskSummary } from '../tasks.ts';

export function Tasks(): ReactNode {
  const route = useRoute();
  const q = route.query.get('q') ?? '';
  const page = Math.max(1, Number(route.query.get('page') ?? 1) || 1);
  const [text, setText] = useState(q);
  const params = new URLSearchParams({
    page: String(page),
    limit: String(PAGE_SIZE),
    _sort: 'name',
    _order: 'asc',
  });
  if (q) params.set('name_like', q);
  const query = params.toString();
  const { data, error } = useLoad((signal) => apiList<TaskSummary>(`/tasks?${query}`, signal), [query]);
  return (
    <>
      <h1>Tasks</h1>
      <form
        role="search"
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          navigate('tasks', { q: text.trim() });
        }}
      >
        <span className="field">
          <label htmlFor="task-search">Search by name</label>
          <input id="task-search" type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </span>
        <button type="submit">Search</button>
      </form>
      <ErrorBox error={error} />
      {!data ? (
        <Loading what="tasks" />
      ) : data.total === 0 ? (
        <p>No task{q ? ` matches “${q}”` : ''}.</p>
      ) : (
        <>
          <div className="table-wrap" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Description</th>
                  <th scope="col">Version</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {data.data.map((t) => (
                  <tr key={t.id}>
                    <td>
                      <a href={href(`tasks/${t.name}`)}>{t.name}</a>
                    </td>
                    <td>{t.description ?? ''}</td>
                    <td>{t.latestVersion ?? '—'}</td>
                    <td>{!t.available ? 'gone from its source' : t.enabled ? 'enabled' : 'disabled'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            page={page}
            size={PAGE_SIZE}
            total={data.total}
            onPage={(p) => navigate('tasks', { q, page: p })}
          />
        </>
      )}
    </>
  );
}

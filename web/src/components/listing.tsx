// Server-paged, filtered, sorted lists: the state lives in the hash query (#/jobs?status=FAILED&page=2)
// so a list can be linked and survives reloads; the server does the paging (page/limit), filtering
// (<field>=value) and sorting (_sort/_order).
import type { ReactNode } from 'react';
import { navigate, type Route } from '../router.ts';
import { Loading } from './ui.tsx';
import { Pager } from './Pager.tsx';

export const PAGE_SIZE = 20;

export interface ListState {
  page: number;
  filters: Record<string, string>;
  sort: string;
  order: 'asc' | 'desc';
}

export function listState(route: Route, filterNames: readonly string[]): ListState {
  const q = route.query;
  const filters: Record<string, string> = {};
  for (const f of filterNames) {
    const v = q.get(f);
    if (v) filters[f] = v;
  }
  return {
    page: Math.max(1, Number(q.get('page') ?? 1) || 1),
    filters,
    sort: q.get('sort') ?? 'id',
    order: q.get('order') === 'asc' ? 'asc' : 'desc',
  };
}

/** The REST query string for a list state. */
export function listQuery(s: ListState): string {
  const q = new URLSearchParams({
    page: String(s.page),
    limit: String(PAGE_SIZE),
    _sort: s.sort,
    _order: s.order,
  });
  for (const [k, v] of Object.entries(s.filters)) q.set(k, v);
  return q.toString();
}

export function go(section: string, s: ListState, change: Partial<ListState>): void {
  const next = { ...s, ...change };
  navigate(section, {
    ...next.filters,
    page: next.page > 1 ? next.page : undefined,
    sort: next.sort === 'id' ? undefined : next.sort,
    order: next.order === 'desc' ? undefined : next.order,
  });
}

/** A column header that sorts by its field; aria-sort tells assistive technology the order. */
export function SortHeader({
  field,
  label,
  state,
  section,
}: {
  field: string;
  label: string;
  state: ListState;
  section: string;
}): ReactNode {
  const active = state.sort === field;
  const next = active && state.order === 'desc' ? 'asc' : 'desc';
  return (
    <th scope="col" aria-sort={active ? (state.order === 'asc' ? 'ascending' : 'descending') : undefined}>
      <button
        type="button"
        className="sort"
        onClick={() => go(section, state, { sort: field, order: next, page: 1 })}
      >
        {label}
        {active ? (state.order === 'asc' ? ' ▲' : ' ▼') : ''}
      </button>
    </th>
  );
}

export function Select({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string;
  options: readonly (readonly [string, string])[];
  onChange: (value: string) => void;
}): ReactNode {
  const id = `f-${label.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <span className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">all</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </span>
  );
}

/** The State and Task filters the jobs and executions lists share. */
export function StateTaskFilters({
  section,
  state,
  states,
  names,
}: {
  section: string;
  state: ListState;
  states: readonly string[];
  names: Map<number, string>;
}): ReactNode {
  const set = (name: string, v: string) =>
    go(section, state, { filters: { ...state.filters, [name]: v }, page: 1 });
  return (
    <div className="filters">
      <Select
        label="State"
        value={state.filters.status ?? ''}
        options={states.map((s) => [s, s] as const)}
        onChange={(v) => set('status', v)}
      />
      <Select
        label="Task"
        value={state.filters.taskId ?? ''}
        options={[...names].map(([id, name]) => [String(id), name] as const)}
        onChange={(v) => set('taskId', v)}
      />
    </div>
  );
}

/** A server-paged list's body: loading, "No <one> matches.", or the table with its pager. */
export function PagedTable({
  section,
  state,
  total,
  plural,
  one,
  head,
  children,
}: {
  section: string;
  state: ListState;
  /** undefined while the first page loads. */
  total: number | undefined;
  plural: string;
  one: string;
  head: ReactNode;
  children: ReactNode;
}): ReactNode {
  if (total === undefined) return <Loading what={plural} />;
  if (total === 0) return <p>No {one} matches.</p>;
  return (
    <>
      <div className="table-wrap" tabIndex={0}>
        <table>
          <thead>
            <tr>{head}</tr>
          </thead>
          <tbody>{children}</tbody>
        </table>
      </div>
      <Pager
        page={state.page}
        size={PAGE_SIZE}
        total={total}
        onPage={(page) => go(section, state, { page })}
      />
    </>
  );
}

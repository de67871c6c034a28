// Audit log (admins only): every mutation the server accepted or refused, newest first, paged by
// the server and filterable by outcome (2xx, 4xx, 5xx) and actor (GET /api/v1/audit).
import { useState, type ReactNode } from 'react';
import { apiList } from '../api.ts';
import { useRoute } from '../router.ts';
import { ErrorBox, useLoad, when } from '../components/ui.tsx';
import { go, listQuery, listState, PagedTable, Select, SortHeader } from '../components/listing.tsx';

interface AuditEntry {
  id: number;
  at: string;
  actor: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  sourceIp: string | null;
  outcome: string;
  details: unknown;
}

const OUTCOMES = [
  ['2xx', 'accepted (2xx)'],
  ['4xx', 'refused (4xx)'],
  ['5xx', 'failed (5xx)'],
] as const;

export function Audit(): ReactNode {
  const route = useRoute();
  const state = listState(route, ['outcome_like', 'actor_like']);
  const query = listQuery(state);
  const { data, error } = useLoad((signal) => apiList<AuditEntry>(`/audit?${query}`, signal), [query], 5000);
  const [actor, setActor] = useState(state.filters.actor_like ?? '');
  const S = 'audit';
  return (
    <>
      <h1>Audit log</h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          go(S, state, { filters: { ...state.filters, actor_like: actor.trim() }, page: 1 });
        }}
      >
        <Select
          label="Outcome"
          value={state.filters.outcome_like ?? ''}
          options={OUTCOMES}
          onChange={(v) => go(S, state, { filters: { ...state.filters, outcome_like: v }, page: 1 })}
        />
        <span className="field">
          <label htmlFor="f-actor">Actor</label>
          <input id="f-actor" value={actor} onChange={(e) => setActor(e.target.value)} />
        </span>
        <button type="submit">Filter</button>
      </form>
      <ErrorBox error={error} />
      <PagedTable
        section={S}
        state={state}
        total={data?.total}
        plural="audit entries"
        one="audit entry"
        head={
          <>
            <SortHeader field="at" label="When" state={state} section={S} />
            <SortHeader field="actor" label="Actor" state={state} section={S} />
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <SortHeader field="outcome" label="Outcome" state={state} section={S} />
            <th scope="col">From</th>
          </>
        }
      >
        {data?.data.map((e) => (
          <tr key={e.id}>
            <td>{when(e.at)}</td>
            <td>{e.actor ?? 'anonymous'}</td>
            <td>
              <code>{e.action}</code>
            </td>
            <td>{e.targetType ? `${e.targetType} ${e.targetId ?? ''}` : '—'}</td>
            <td>
              <span className={e.outcome.startsWith('2') ? 'case-passed' : 'case-failed'}>{e.outcome}</span>
            </td>
            <td>{e.sourceIp ?? '—'}</td>
          </tr>
        ))}
      </PagedTable>
    </>
  );
}

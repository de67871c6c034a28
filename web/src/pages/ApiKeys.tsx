// API keys (admins only): the keys with their role and state (never their secrets), a form to
// create one (its secret is shown once, here), and revoke.
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, apiList } from '../api.ts';
import { ErrorBox, Loading, useLoad, when } from '../components/ui.tsx';
import { ActionButton } from '../components/actions.tsx';

interface ApiKey {
  id: number;
  prefix: string;
  name: string;
  role: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

const ROLES = ['viewer', 'operator', 'developer', 'admin'];

function state(k: ApiKey): string {
  if (k.revokedAt) return `revoked ${when(k.revokedAt)}`;
  if (k.expiresAt && Date.parse(k.expiresAt) < Date.now()) return 'expired';
  return 'active';
}

function CreateKey({ created }: { created: () => void }): ReactNode {
  const [name, setName] = useState('');
  const [role, setRole] = useState('viewer');
  const [expiresIn, setExpiresIn] = useState('');
  const [secret, setSecret] = useState<{ name: string; key: string } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setProblem(null);
    api<{ key: string; name: string }>('/api-keys', {
      body: { name: name.trim(), role, ...(expiresIn.trim() ? { expiresIn: expiresIn.trim() } : {}) },
    })
      .then((k) => {
        setSecret({ name: k.name, key: k.key });
        setName('');
        created();
      })
      .catch((err: unknown) => setProblem((err as Error).message));
  };
  return (
    <form className="create" onSubmit={submit} aria-labelledby="key-h">
      <h2 id="key-h">New API key</h2>
      <span className="field">
        <label htmlFor="k-name">Name</label>
        <input id="k-name" required maxLength={128} value={name} onChange={(e) => setName(e.target.value)} />
      </span>
      <span className="field">
        <label htmlFor="k-role">Role</label>
        <select id="k-role" value={role} onChange={(e) => setRole(e.target.value)}>
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </span>
      <span className="field">
        <label htmlFor="k-exp">Expires in (such as 30d, 12h; empty: never)</label>
        <input id="k-exp" value={expiresIn} onChange={(e) => setExpiresIn(e.target.value)} />
      </span>
      <button type="submit">Create key</button>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      {secret && (
        <div role="status" className="secret">
          <p>
            The key <strong>{secret.name}</strong> (shown only this once; copy it now):
          </p>
          <pre className="json" aria-label="The new key" tabIndex={0}>
            {secret.key}
          </pre>
        </div>
      )}
    </form>
  );
}

export function ApiKeys(): ReactNode {
  const { data, error, reload } = useLoad((signal) => apiList<ApiKey>('/api-keys?limit=1000', signal), []);
  return (
    <>
      <h1>API keys</h1>
      <ErrorBox error={error} />
      {!data ? (
        <Loading what="API keys" />
      ) : (
        <div className="table-wrap" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Prefix</th>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {data.data.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td>
                    <code>rk_{k.prefix}_…</code>
                  </td>
                  <td>{k.role}</td>
                  <td>{when(k.createdAt)}</td>
                  <td>{k.expiresAt ? when(k.expiresAt) : 'never'}</td>
                  <td>{when(k.lastUsedAt)}</td>
                  <td>{state(k)}</td>
                  <td>
                    {!k.revokedAt && (
                      <ActionButton
                        access="admin"
                        label={`Revoke ${k.name}`}
                        run={() => api(`/api-keys/${encodeURIComponent(k.prefix)}`, { method: 'DELETE' })}
                        done={reload}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CreateKey created={reload} />
    </>
  );
}

// The sign-in screen: the key is kept for this tab only (sessionStorage), never in a cookie.
import { useState, type FormEvent, type ReactNode } from 'react';

export function SignIn({
  onKey,
  error,
}: {
  onKey: (key: string) => Promise<void>;
  error: Error | null;
}): ReactNode {
  const [key, setKey] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    onKey(key.trim())
      .catch((err: unknown) => setProblem((err as Error).message))
      .finally(() => setBusy(false));
  };
  const shown = problem ?? error?.message ?? null;
  return (
    <main id="main" className="signin">
      <h1>Sign in to Ratchet</h1>
      <p>
        This server needs an API key. Create one with{' '}
        <code>ratchet apikey create --name me --role viewer</code>.
      </p>
      <form onSubmit={submit}>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          placeholder="rk_…"
          required
          value={key}
          onChange={(e) => setKey(e.target.value)}
          aria-describedby={shown ? 'signin-error' : undefined}
        />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        {shown && (
          <p id="signin-error" className="error" role="alert">
            {shown}
          </p>
        )}
      </form>
      <p className="hint">The key stays in this browser tab and is forgotten when the tab closes.</p>
    </main>
  );
}

// A button for a mutating call: shown only when the role has the access it needs, disabled while
// the call runs, the server's refusal shown beside it.
import { useState, type ReactNode } from 'react';
import { useSession, type Access } from '../session.tsx';

export function ActionButton({
  access,
  label,
  run,
  done,
}: {
  access: Access;
  label: string;
  run: () => Promise<unknown>;
  done?: () => void;
}): ReactNode {
  const { can } = useSession();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  if (!can(access)) return null;
  return (
    <span className="action">
      <button
        type="button"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setProblem(null);
          run()
            .then(() => done?.())
            .catch((e: unknown) => setProblem((e as Error).message))
            .finally(() => setBusy(false));
        }}
      >
        {label}
      </button>
      {problem && (
        <span className="error-text" role="alert">
          {problem}
        </span>
      )}
    </span>
  );
}

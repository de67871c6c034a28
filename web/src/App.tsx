// The shell: sign-in gate, navigation, and the page for the current hash route.
import { lazy, Suspense, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, storedKey, storeKey } from './api.ts';
import { href, useRoute } from './router.ts';
import { roleAllows, SessionContext, type Session, type WhoAmI } from './session.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { Overview } from './pages/Overview.tsx';
import { Tasks } from './pages/Tasks.tsx';
import { Jobs } from './pages/Jobs.tsx';
import { JobPage } from './pages/JobPage.tsx';
import { Executions } from './pages/Executions.tsx';
import { ExecutionPage } from './pages/ExecutionPage.tsx';
import { ApiKeys } from './pages/ApiKeys.tsx';
import { Workers } from './pages/Workers.tsx';
import { Audit } from './pages/Audit.tsx';
import { ErrorBox } from './components/ui.tsx';

// The task page carries the JSON-Schema form library and Ajv: loaded when first opened.
const TaskPage = lazy(() => import('./pages/TaskPage.tsx'));
// The schedules page carries cronstrue and croner.
const Schedules = lazy(() => import('./pages/Schedules.tsx').then((m) => ({ default: m.Schedules })));
const SchedulePage = lazy(() =>
  import('./pages/SchedulePage.tsx').then((m) => ({ default: m.SchedulePage })),
);
// The workflow pages share the DAG drawing.
const Workflows = lazy(() => import('./pages/Workflows.tsx').then((m) => ({ default: m.Workflows })));
const WorkflowPage = lazy(() => import('./pages/WorkflowPage.tsx'));
const WorkflowRunPage = lazy(() => import('./pages/WorkflowRunPage.tsx'));

const NAV = [
  ['', 'Overview'],
  ['tasks', 'Tasks'],
  ['jobs', 'Jobs'],
  ['executions', 'Executions'],
  ['schedules', 'Schedules'],
  ['workflows', 'Workflows'],
  ['workers', 'Workers'],
] as const;

// Only admins see these (the server refuses the others anyway).
const ADMIN_NAV = [
  ['audit', 'Audit log'],
  ['api-keys', 'API keys'],
] as const;

function Page({ path, can }: { path: string[]; can: Session['can'] }): ReactNode {
  const [section = '', id] = path;
  // Keyed by id: moving from one task (or job) to another starts with fresh page state, not the
  // previous page's form input or result.
  if (section === '') return <Overview />;
  if (section === 'tasks') return id ? <TaskPage key={id} id={id} /> : <Tasks />;
  if (section === 'jobs') return id ? <JobPage key={id} id={id} /> : <Jobs />;
  if (section === 'executions') return id ? <ExecutionPage key={id} id={id} /> : <Executions />;
  if (section === 'schedules') return id ? <SchedulePage key={id} id={id} /> : <Schedules />;
  if (section === 'workflows') return id ? <WorkflowPage key={id} name={id} /> : <Workflows />;
  if (section === 'workflow-runs' && id) return <WorkflowRunPage key={id} id={id} />;
  if (section === 'workers' && !id) return <Workers />;
  if (section === 'audit' && !id && can('admin')) return <Audit />;
  if (section === 'api-keys' && !id && can('admin')) return <ApiKeys />;
  return <ErrorBox error={new Error(`no page at #/${path.join('/')}`)} />;
}

// Asked while React starts, not after its first render: the first page's data waits on the answer.
let firstWhoAmI: Promise<WhoAmI> | null = api<WhoAmI>('/whoami');
firstWhoAmI.catch(() => undefined); // handled where it is awaited; this only marks it as observed

export function App(): ReactNode {
  const [who, setWho] = useState<WhoAmI | null>(null);
  const [failure, setFailure] = useState<Error | null>(null);
  const route = useRoute();

  const load = useCallback(async (): Promise<WhoAmI | null> => {
    try {
      const pending = firstWhoAmI ?? api<WhoAmI>('/whoami');
      firstWhoAmI = null;
      const w = await pending;
      setWho(w);
      setFailure(null);
      return w;
    } catch (e) {
      // A key the server refuses (revoked, expired, mistyped): forget it and ask for another.
      if (e instanceof ApiError && e.status === 401 && storedKey() !== null) {
        storeKey(null);
        setWho({ authRequired: true, principal: null });
        throw e;
      }
      setFailure(e as Error);
      return null;
    }
  }, []);

  useEffect(() => {
    load().catch((e: unknown) => setFailure(e as Error));
  }, [load]);

  const session = useMemo<Session | null>(
    () =>
      who && who.principal
        ? {
            who,
            can: (access) => roleAllows(who.principal?.role, access),
            signOut: () => {
              storeKey(null);
              setWho({ authRequired: who.authRequired, principal: null });
            },
          }
        : null,
    [who],
  );

  if (!who && !failure) return <p className="loading">Loading…</p>;
  if (!session) {
    return (
      <SignIn
        error={failure}
        onKey={async (key) => {
          storeKey(key);
          const w = await load();
          if (w && !w.principal) throw new Error('the server did not accept the key');
        }}
      />
    );
  }
  const section = route.path[0] ?? '';
  const role = session.who.principal?.role;
  return (
    <SessionContext.Provider value={session}>
      <a
        className="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header className="top">
        <a className="brand" href={href('')}>
          Ratchet
        </a>
        <nav aria-label="Main">
          {[...NAV, ...(session.can('admin') ? ADMIN_NAV : [])].map(([path, label]) => (
            <a
              key={path}
              href={href(path)}
              aria-current={
                section === path || (path === 'workflows' && section === 'workflow-runs') ? 'page' : undefined
              }
            >
              {label}
            </a>
          ))}
        </nav>
        <div className="who">
          {session.who.authRequired || session.who.principal?.kind === 'key' ? (
            <>
              <span title="your API key's role">
                {session.who.principal?.name} · {role}
              </span>
              <button type="button" className="link" onClick={session.signOut}>
                Sign out
              </button>
            </>
          ) : (
            <span title="the server needs no API key on this address">open access · {role}</span>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p className="loading">Loading…</p>}>
          <Page path={route.path} can={session.can} />
        </Suspense>
      </main>
    </SessionContext.Provider>
  );
}

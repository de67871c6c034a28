// Small shared pieces: data loading with polling, error and status display, JSON blocks, times.
import { useEffect, useRef, useState, type ReactNode } from 'react';

export interface Loaded<T> {
  data: T | undefined;
  error: Error | null;
  reload: () => void;
}

/**
 * Loads `fn` now, again when `deps` change and, with `pollMs`, every pollMs while the tab is
 * visible: lists stay current without a reload. A load in flight is aborted when superseded.
 */
export function useLoad<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  deps: unknown[],
  pollMs?: number,
): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | null>(null);
  const [tick, setTick] = useState(0);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  useEffect(() => {
    const ctl = new AbortController();
    fnRef
      .current(ctl.signal)
      .then((d) => {
        setData(d);
        setError(null);
      })
      .catch((e: unknown) => {
        if (!ctl.signal.aborted) setError(e as Error);
      });
    return () => ctl.abort();
  }, [...deps, tick]);
  useEffect(() => {
    if (!pollMs) return;
    const t = setInterval(() => {
      if (document.visibilityState === 'visible') setTick((n) => n + 1);
    }, pollMs);
    return () => clearInterval(t);
  }, [pollMs]);
  return { data, error, reload: () => setTick((n) => n + 1) };
}

export function ErrorBox({ error }: { error: Error | null | undefined }): ReactNode {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {error.message}
    </p>
  );
}

export function Status({ value }: { value: string }): ReactNode {
  return <span className={`status status-${value.toLowerCase()}`}>{value}</span>;
}

export function Json({ value, label }: { value: unknown; label: string }): ReactNode {
  return (
    <pre className="json" aria-label={label} tabIndex={0}>
      {value === undefined ? '—' : JSON.stringify(value, null, 2)}
    </pre>
  );
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function Loading({ what }: { what: string }): ReactNode {
  return <p className="loading">Loading {what}…</p>;
}

/** The JSON a form's text field holds, or the problem to show (forms that take an input as JSON). */
export function parseJsonField(text: string, what = 'Input'): { value: unknown } | { problem: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (err) {
    return { problem: `${what} is not JSON: ${(err as Error).message}` };
  }
}

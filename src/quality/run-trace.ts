// The time-ordered trace of one profiled run (run-once --trace, ratchet_get_execution_profile):
// its phases, console lines, fetches and progress. Same shape and wording as the trace of a stored
// execution (services/execution-trace.ts: `at_ms`, `kind`, `summary`), with one more kind, `phase`.
import type { TaskRunResult } from '../runtime/run-task.ts';
import type { RunPhase, RunTimings } from '../runtime/timings.ts';

export interface RunTraceEntry {
  /** Milliseconds since the run started. */
  at_ms: number;
  kind: 'start' | 'phase' | 'log' | 'http' | 'progress' | 'end';
  summary: string;
}

const PHASE_WORDS: Record<RunPhase, string> = {
  'input-validation': 'input validated',
  instance: 'sandbox instance acquired',
  prepare: 'context prepared',
  restore: 'context restored',
  load: 'main.js evaluated',
  input: 'input parsed',
  run: 'task function ran',
  output: 'output serialised',
  'output-validation': 'output checked',
};

const round = (n: number): number => Math.round(n * 1000) / 1000;

export function buildRunTrace(result: TaskRunResult, timings: RunTimings): RunTraceEntry[] {
  // Logs, fetches and progress carry millisecond ISO timestamps; phases are timed finer. Events
  // are kept inside the span where the guest could have made them (load through run).
  const guestPhases = timings.phases.filter((p) => p.phase === 'load' || p.phase === 'run');
  const first = guestPhases[0]?.startMs ?? 0;
  const lastPhase = guestPhases.at(-1);
  const end = lastPhase ? lastPhase.startMs + lastPhase.durationMs : Infinity;
  const at = (iso: string): number => {
    const t = Date.parse(iso) - timings.originEpochMs;
    return round(Number.isFinite(t) ? Math.min(Math.max(t, first), end) : first);
  };
  const phases: RunTraceEntry[] = timings.phases.map((p) => ({
    at_ms: round(p.startMs),
    kind: 'phase',
    summary: `${p.phase}: ${PHASE_WORDS[p.phase]} in ${round(p.durationMs)} ms`,
  }));
  const events: RunTraceEntry[] = [
    ...result.logs.map((l) => ({
      at_ms: at(l.timestamp),
      kind: 'log' as const,
      summary: `${l.level}: ${l.message}`,
    })),
    ...result.http.map((x) => {
      const outcome = x.error ? `${x.error.type}: ${x.error.message}` : `${x.response?.status}`;
      return {
        at_ms: at(x.startedAt),
        kind: 'http' as const,
        summary: `${x.request.method.toUpperCase()} ${x.request.url} → ${outcome} in ${round(x.durationMs)} ms`,
      };
    }),
    ...result.progress.map((p) => ({
      at_ms: at(p.timestamp),
      kind: 'progress' as const,
      summary: `progress ${Math.round(p.fraction * 100)}%${p.message ? `: ${p.message}` : ''}`,
    })),
  ];
  // Phases first so that, at equal offsets, a phase opens before what happened in it (sort is stable).
  const body = [...phases, ...events].sort((a, b) => a.at_ms - b.at_ms);
  const why = result.error ? ` (${result.error.type}: ${result.error.message})` : '';
  const last = timings.phases.at(-1);
  const total = Math.max(result.durationMs, last ? last.startMs + last.durationMs : 0);
  return [
    { at_ms: 0, kind: 'start', summary: `execution ${result.executionId} started` },
    ...body,
    { at_ms: round(total), kind: 'end', summary: `${result.status}${why}` },
  ];
}

/** The trace as text, one event a line (run-once --trace prints it on stderr). */
export function formatRunTrace(trace: readonly RunTraceEntry[]): string {
  return trace
    .map((e) => `${`+${e.at_ms.toFixed(3)} ms`.padStart(14)}  ${e.kind.padEnd(8)}  ${e.summary}`)
    .join('\n');
}

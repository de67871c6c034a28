// The profile of one run (issue 21 item 6): where its time went (loading, the guest's own code,
// each fetch, timer waits, input and output validation) and how large the guest heap grew. Built
// from the phase timings runTask records when asked (runtime/timings.ts); `run-once --profile` and
// ratchet_get_execution_profile print the same object. What is not measured is said in
// docs/quality.md ("Profiles").
import { runTask, type RunTaskOptions, type TaskRunResult } from '../runtime/run-task.ts';
import type { PhaseTiming, RunPhase, RunTimings } from '../runtime/timings.ts';
import type { TaskPackage } from '../tasks/types.ts';
import { buildRunTrace, type RunTraceEntry } from './run-trace.ts';

export interface FetchProfile {
  method: string;
  url: string;
  /** Response status; null when the request failed (its error then says why). */
  status: number | null;
  error: string | null;
  /** Milliseconds from the start of the run (ms resolution). */
  startMs: number;
  durationMs: number;
}

export interface RunProfile {
  status: TaskRunResult['status'];
  totalMs: number;
  /** Load = instance + prepare + restore + evaluating main.js; guest = the guest's own time. */
  summary: {
    loadMs: number;
    inputValidationMs: number;
    guestMs: number;
    fetchMs: number;
    timerWaitMs: number;
    outputValidationMs: number;
    /** The rest of the total: the host's own work between phases (redacting the run's record). */
    hostMs: number;
  };
  /** Every phase as measured, in order (a run that failed early has fewer). */
  phases: PhaseTiming[];
  fetches: FetchProfile[];
  /** Null when the run never reached the sandbox (its input was rejected). */
  memory: {
    heapStartBytes: number;
    peakHeapBytes: number;
    /** Peak minus start: what the task itself allocated at most. */
    peakTaskBytes: number;
    heapEndBytes: number;
    wasmMemoryBytes: number;
  } | null;
}

export interface ProfiledRun {
  result: TaskRunResult;
  profile: RunProfile;
  trace: RunTraceEntry[];
}

/** Runs the task once with phase timings on and returns the result with its profile and trace. */
export async function profileTask(
  pkg: TaskPackage,
  opts: Omit<RunTaskOptions, 'profile'>,
): Promise<ProfiledRun> {
  const result = await runTask(pkg, { ...opts, profile: true });
  const timings = result.timings!;
  return { result, profile: buildProfile(result, timings), trace: buildRunTrace(result, timings) };
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

export function buildProfile(result: TaskRunResult, timings: RunTimings): RunProfile {
  const sum = (...names: RunPhase[]): number =>
    timings.phases.filter((p) => names.includes(p.phase)).reduce((n, p) => n + p.durationMs, 0);
  const fetches: FetchProfile[] = result.http.map((x) => ({
    method: x.request.method.toUpperCase(),
    url: x.request.url,
    status: x.response?.status ?? null,
    error: x.error ? `${x.error.type}: ${x.error.message}` : null,
    startMs: Math.max(0, Date.parse(x.startedAt) - timings.originEpochMs),
    durationMs: round(x.durationMs),
  }));
  const fetchMs = fetches.reduce((n, f) => n + f.durationMs, 0);
  const last = timings.phases.at(-1);
  const heap = timings.heap;
  const totalMs = Math.max(result.durationMs, last ? last.startMs + last.durationMs : 0);
  // Fetches and timer waits block the host inside the run phase; what is left is the guest's.
  const guestMs = Math.max(0, sum('input', 'run', 'output') - fetchMs - timings.timerWaitMs);
  const measured = sum(...timings.phases.map((p) => p.phase)) - sum('input', 'run', 'output') + guestMs;
  return {
    status: result.status,
    totalMs: round(totalMs),
    summary: {
      loadMs: round(sum('instance', 'prepare', 'restore', 'load')),
      inputValidationMs: round(sum('input-validation')),
      guestMs: round(guestMs),
      fetchMs: round(fetchMs),
      timerWaitMs: round(timings.timerWaitMs),
      outputValidationMs: round(sum('output-validation')),
      hostMs: round(Math.max(0, totalMs - measured - fetchMs - timings.timerWaitMs)),
    },
    phases: timings.phases.map((p) => ({ ...p, startMs: round(p.startMs), durationMs: round(p.durationMs) })),
    fetches,
    memory: heap
      ? {
          heapStartBytes: heap.startBytes,
          peakHeapBytes: heap.peakBytes,
          peakTaskBytes: Math.max(0, heap.peakBytes - heap.startBytes),
          heapEndBytes: heap.endBytes,
          wasmMemoryBytes: heap.memoryBytes,
        }
      : null,
  };
}

const PHASE_LABELS: Record<RunPhase, string> = {
  'input-validation': 'input validation (input.schema.json)',
  instance: 'sandbox instance (borrowed from the pool, or created)',
  prepare: 'context prepared and snapshotted (new instance only)',
  restore: 'context restored from its snapshot',
  load: 'main.js evaluated (compile + top-level code)',
  input: 'input and context parsed in the guest',
  run: 'task function ran (guest code, fetches, timers)',
  output: 'output serialised in the guest',
  'output-validation': 'output checked (limits, output.schema.json)',
};

export function phaseLabel(phase: RunPhase): string {
  return PHASE_LABELS[phase];
}

const ms = (n: number): string => `${n.toFixed(n < 10 ? 2 : 1)} ms`;
const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;

/** The profile as text (run-once --profile prints it on stderr). */
export function formatProfile(p: RunProfile): string {
  const s = p.summary;
  const lines = [
    `profile: ${p.status} in ${ms(p.totalMs)}`,
    `  load              ${ms(s.loadMs)}`,
    `  input validation  ${ms(s.inputValidationMs)}`,
    `  guest code        ${ms(s.guestMs)}`,
    `  fetch             ${ms(s.fetchMs)} (${p.fetches.length} request${p.fetches.length === 1 ? '' : 's'})`,
    `  timer waits       ${ms(s.timerWaitMs)}`,
    `  output validation ${ms(s.outputValidationMs)}`,
    `  host bookkeeping  ${ms(s.hostMs)}`,
    'phases:',
    ...p.phases.map(
      (ph) => `  +${ms(ph.startMs).padStart(10)}  ${ms(ph.durationMs).padStart(10)}  ${phaseLabel(ph.phase)}`,
    ),
  ];
  if (p.fetches.length > 0) {
    lines.push('fetches:');
    for (const f of p.fetches) {
      const outcome = f.status !== null ? String(f.status) : (f.error ?? 'no response');
      lines.push(
        `  +${String(f.startMs).padStart(6)} ms  ${ms(f.durationMs).padStart(10)}  ${f.method} ${f.url} → ${outcome}`,
      );
    }
  }
  if (p.memory) {
    const m = p.memory;
    lines.push(
      `memory: peak guest heap ${kib(m.peakHeapBytes)} (task: +${kib(m.peakTaskBytes)} over the ${kib(m.heapStartBytes)} pristine context), at the end ${kib(m.heapEndBytes)}; WebAssembly memory ${kib(m.wasmMemoryBytes)}`,
    );
  }
  return lines.join('\n');
}

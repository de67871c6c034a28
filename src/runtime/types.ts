// The contract of the sandbox: what goes in (code, JSON input, limits, host hooks) and what
// comes out (JSON output or a typed error, plus logs, progress and HTTP exchanges).
import type { HttpExchange, SyncFetch } from '../http/types.ts';
import type { RunTimings } from './timings.ts';

export interface ExecutionContextInfo {
  executionId: string;
  taskId: string;
  taskVersion: string;
  jobId: string | null;
}

export interface SandboxLimits {
  /** Wall-clock budget for the whole run, host calls included. */
  timeoutMs: number;
  memoryBytes: number;
  stackBytes: number;
  /**
   * Bytes the run may make the host hold outside the sandbox (logs, progress, recorded HTTP,
   * timers, output); default max(8 MB, memoryBytes). See host-budget.ts.
   */
  hostBudgetBytes?: number;
}

export type LogLevel = 'debug' | 'log' | 'info' | 'warn' | 'error';

export interface LogEntry {
  level: LogLevel;
  message: string;
  timestamp: string;
}

export interface ProgressEvent {
  fraction: number;
  message?: string;
  timestamp: string;
}

export interface SourceLocation {
  file: string;
  line: number;
  column?: number;
}

/** A failure as users see it: `type` is the error class name (TimeoutError, DataError, …). */
export interface TaskErrorInfo {
  type: string;
  message: string;
  stack?: string;
  location?: SourceLocation;
  /** HTTP status for HttpError. */
  status?: number;
  /** Structured detail, e.g. schema violations `{ path, message }[]`. */
  details?: unknown;
  /**
   * Set only by the host when it ended the run itself (its time limit passed, or a cancel was asked
   * for); never copied from anything a task throws. Statuses (CANCELLED) are derived from this, not
   * from `type`, so a task throwing `{ type: "CancelledError" }` is an ordinary task failure.
   */
  stop?: HostStop;
}

/** Why the host ended a run: its deadline passed, or someone cancelled it. */
export type HostStop = 'timeout' | 'cancelled';

export interface SandboxHooks {
  fetch: SyncFetch;
  onLog?: (entry: LogEntry) => void;
  onProgress?: (event: ProgressEvent) => void;
  /** Polled by the interrupt handler and while waiting on host calls; true stops the run. */
  isCancelled?: () => boolean;
  /** Told the run's deadline when the sandbox starts (a thread's DeadlineCell, watchdog.ts). */
  onDeadline?: (deadline: number, timeoutMs: number) => void;
  /**
   * Run under this thread's own watchdog (watchdog.ts withHardDeadline): for one-off runs on a
   * thread nobody else can terminate (`ratchet run-once`).
   */
  hardDeadline?: boolean;
  /** Where to note phase timings and heap samples (a profiled run); absent: nothing is timed. */
  timings?: RunTimings;
}

export interface SandboxRequest {
  code: string;
  fileName: string;
  inputJson: string;
  context: ExecutionContextInfo;
  limits: SandboxLimits;
  /**
   * A guest global read back as JSON text after the run (`SandboxResult.collected`), for
   * instrumented code (coverage counters, breakpoint hits). Not read after a timeout or cancel.
   */
  collectGlobal?: string;
}

export interface SandboxResult {
  ok: boolean;
  outputJson?: string;
  error?: TaskErrorInfo;
  logs: LogEntry[];
  progress: ProgressEvent[];
  http: HttpExchange[];
  durationMs: number;
  /** JSON text of `SandboxRequest.collectGlobal` at the end of the run, when asked and readable. */
  collected?: string;
  /** The output nested too deeply for even the host to serialise it (an output limit problem). */
  outputTooDeep?: boolean;
}

/**
 * A JavaScript engine that runs one task call in isolation (DESIGN §4). The product runs QuickJS
 * (sandbox.ts: quickjsEngine); everything above runtime/ reaches it only through this interface,
 * so a V8 engine can be added beside it.
 */
export interface Engine {
  readonly name: string;
  /** Evaluates main.js, calls its task function with the request's input, under the request's limits. */
  run(req: SandboxRequest, hooks: SandboxHooks): Promise<SandboxResult>;
  /** Null when main.js evaluates to a task function; otherwise why not (syntax, top-level throw, no function). */
  probe(code: string, memoryBytes?: number): Promise<TaskErrorInfo | null>;
}

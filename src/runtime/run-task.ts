// One execution of a loaded task: resolve limits, validate the input against input.schema.json,
// run the sandbox, parse and validate the output against output.schema.json. Every caller (the
// CLI, the test runner, queue workers, the API) goes through here, so they all behave the same.
import { randomUUID } from 'node:crypto';
import { compileSchema, formatViolations, type SchemaViolation } from '../tasks/schema.ts';
import type { TaskPackage } from '../tasks/types.ts';
import type { HttpExchange, SyncFetch } from '../http/types.ts';
import {
  DEFAULT_REDACTION_RULES,
  redactRunRecord,
  runScrubber,
  type RedactionRules,
} from '../redaction/index.ts';
import { quickjsEngine } from './sandbox.ts';
import type { Engine } from './types.ts';
import {
  DEFAULT_VALUE_LIMITS,
  OUTPUT_LIMIT_ERROR,
  outputDepthProblem,
  outputLimitProblem,
  type ValueLimits,
} from '../tasks/value-limits.ts';
import { DEFAULT_HOST_BUDGET_RATIO, MIN_HOST_BUDGET_BYTES } from './host-budget.ts';
import { RunTimings } from './timings.ts';
import type { ExecutionContextInfo, LogEntry, ProgressEvent, SandboxLimits, TaskErrorInfo } from './types.ts';

/** The engine tasks run on (DESIGN §4: one engine today, behind the interface). */
const engine: Engine = quickjsEngine;

export interface RuntimeLimits {
  /** Used when neither the caller nor metadata.json sets a timeout. */
  defaultTimeoutMs: number;
  defaultMemoryBytes: number;
  /** No task gets more than this, whatever its metadata asks for. */
  maxMemoryBytes: number;
  stackBytes: number;
  validateSchemas: boolean;
  /** Header and query names redacted in the run's record on top of the built-in ones. */
  redaction?: RedactionRules;
  /** Depth and size of outputs (execution.max_json_depth, max_output_bytes); default DEFAULT_VALUE_LIMITS. */
  values?: ValueLimits;
  /** A run's host budget is this × its memory limit (at least 8 MB; host-budget.ts). */
  hostBudgetRatio?: number;
}

export const DEFAULT_RUNTIME_LIMITS: RuntimeLimits = {
  defaultTimeoutMs: 300_000,
  defaultMemoryBytes: 128 * 1024 * 1024,
  maxMemoryBytes: 1024 * 1024 * 1024,
  stackBytes: 256 * 1024,
  validateSchemas: true,
  hostBudgetRatio: DEFAULT_HOST_BUDGET_RATIO,
};

export interface RunTaskOptions {
  input?: unknown;
  /** The input as JSON text instead (as it crosses threads); parsed only for schema validation. */
  inputJson?: string;
  fetch: SyncFetch;
  limits?: RuntimeLimits;
  /** Overrides metadata.json `timeout` (e.g. `run-once --timeout`, a job's timeout). */
  timeoutMs?: number;
  context?: Partial<ExecutionContextInfo>;
  onLog?: (entry: LogEntry) => void;
  onProgress?: (event: ProgressEvent) => void;
  isCancelled?: () => boolean;
  /** See SandboxRequest.collectGlobal (instrumented code: coverage, breakpoints). */
  collectGlobal?: string;
  /** See SandboxHooks.onDeadline. */
  onDeadline?: (deadline: number, timeoutMs: number) => void;
  /** See SandboxHooks.hardDeadline. */
  hardDeadline?: boolean;
  /** Time each phase and sample the guest heap (`TaskRunResult.timings`; quality/profile.ts). */
  profile?: boolean;
}

export interface TaskRunResult {
  status: 'COMPLETED' | 'FAILED';
  executionId: string;
  output?: unknown;
  /** The output as the guest's JSON text (what crosses back from a thread instead of `output`). */
  outputJson?: string;
  error?: TaskErrorInfo;
  logs: LogEntry[];
  progress: ProgressEvent[];
  http: HttpExchange[];
  durationMs: number;
  /**
   * When the run began (epoch ms), set by the executor thread that ran it: a queued attempt's
   * execution takes its start and duration from here, not from its claim (pending-result.ts).
   */
  startedAt?: number;
  /** See SandboxResult.collected. */
  collected?: string;
  /** Phase timings and heap samples, when the run was profiled. */
  timings?: RunTimings;
}

/** A task's sandbox memory: what its metadata asks for (else the default), never above the maximum. */
export function sandboxMemoryBytes(limits: RuntimeLimits, requested?: number): number {
  return Math.min(requested ?? limits.defaultMemoryBytes, limits.maxMemoryBytes);
}

export function resolveLimits(pkg: TaskPackage, limits: RuntimeLimits, timeoutMs?: number): SandboxLimits {
  const memoryBytes = sandboxMemoryBytes(limits, pkg.metadata.memoryLimitBytes);
  const ratio = limits.hostBudgetRatio ?? DEFAULT_HOST_BUDGET_RATIO;
  return {
    timeoutMs: timeoutMs ?? pkg.metadata.timeoutMs ?? limits.defaultTimeoutMs,
    memoryBytes,
    stackBytes: limits.stackBytes,
    hostBudgetBytes: Math.max(MIN_HOST_BUDGET_BYTES, Math.round(memoryBytes * ratio)),
  };
}

function schemaError(type: string, label: 'input' | 'output', v: readonly SchemaViolation[]): TaskErrorInfo {
  return { type, message: formatViolations(label, v), details: { phase: label, violations: v } };
}

export async function runTask(pkg: TaskPackage, opts: RunTaskOptions): Promise<TaskRunResult> {
  const limits = opts.limits ?? DEFAULT_RUNTIME_LIMITS;
  const executionId = opts.context?.executionId ?? randomUUID();
  const started = performance.now();
  const timings = opts.profile ? new RunTimings() : undefined;
  // Input that crossed a thread as text is parsed only when its schema needs the value.
  const input: unknown =
    opts.inputJson !== undefined && pkg.inputSchema !== undefined ? JSON.parse(opts.inputJson) : opts.input;
  // The sandbox gets the real input; what leaves this function is redacted (src/redaction/).
  const rules = limits.redaction ?? DEFAULT_REDACTION_RULES;
  const scrubber = runScrubber(pkg.inputSchema, input);
  const failed = (error: TaskErrorInfo): TaskRunResult => ({
    status: 'FAILED',
    executionId,
    error: scrubber.scrubDeep(error),
    logs: [],
    progress: [],
    http: [],
    durationMs: performance.now() - started,
    ...(timings ? { timings } : {}),
  });

  const inputJson = opts.inputJson ?? JSON.stringify(opts.input ?? null);
  if (limits.validateSchemas && pkg.inputSchema !== undefined) {
    const validating = timings ? performance.now() : 0;
    const violations = compileSchema(pkg.inputSchema, 'input.schema.json').validate(input);
    timings?.end('input-validation', validating);
    if (violations.length > 0) return failed(schemaError('ValidationError', 'input', violations));
  }
  const result = await engine.run(
    {
      code: pkg.code,
      fileName: 'main.js',
      inputJson,
      context: {
        executionId,
        taskId: opts.context?.taskId ?? pkg.metadata.uuid,
        taskVersion: opts.context?.taskVersion ?? pkg.metadata.version,
        jobId: opts.context?.jobId ?? null,
      },
      limits: resolveLimits(pkg, limits, opts.timeoutMs),
      ...(opts.collectGlobal !== undefined ? { collectGlobal: opts.collectGlobal } : {}),
    },
    {
      fetch: opts.fetch,
      // Live lines lose the secrets known so far (the writeOnly inputs, headers of earlier fetches).
      onLog: opts.onLog && ((entry) => opts.onLog!({ ...entry, message: scrubber.scrub(entry.message) })),
      onProgress:
        opts.onProgress &&
        ((event) =>
          opts.onProgress!(
            event.message === undefined ? event : { ...event, message: scrubber.scrub(event.message) },
          )),
      isCancelled: opts.isCancelled,
      onDeadline: opts.onDeadline,
      hardDeadline: opts.hardDeadline,
      timings,
    },
  );
  const record = redactRunRecord(
    { logs: result.logs, progress: result.progress, http: result.http, error: result.error },
    rules,
    scrubber,
  );
  const base = {
    executionId,
    logs: record.logs,
    progress: record.progress,
    http: record.http,
    // Instrumentation data (breakpoint values) can hold writeOnly inputs too.
    ...(timings ? { timings } : {}),
    ...(result.collected !== undefined
      ? {
          collected:
            scrubber.size === 0
              ? result.collected
              : JSON.stringify(scrubber.scrubDeep(JSON.parse(result.collected))),
        }
      : {}),
  };
  const durationMs = performance.now() - started;
  if (result.outputTooDeep) {
    const message = outputDepthProblem(limits.values ?? DEFAULT_VALUE_LIMITS);
    return { status: 'FAILED', ...base, error: { type: OUTPUT_LIMIT_ERROR, message }, durationMs };
  }
  if (!result.ok) return { status: 'FAILED', ...base, error: record.error, durationMs };
  const outputJson = result.outputJson ?? 'null';
  const checking = timings ? performance.now() : 0;
  const checked = (r: TaskRunResult): TaskRunResult => {
    timings?.end('output-validation', checking);
    return r;
  };
  // Checked on the text, before anything parses, clones or stores a value too deep or too large.
  const tooMuch = outputLimitProblem(outputJson, limits.values ?? DEFAULT_VALUE_LIMITS);
  if (tooMuch !== undefined) {
    return checked({
      status: 'FAILED',
      ...base,
      error: { type: OUTPUT_LIMIT_ERROR, message: tooMuch },
      durationMs,
    });
  }
  const output: unknown = JSON.parse(outputJson);
  if (limits.validateSchemas && pkg.outputSchema !== undefined) {
    const violations = compileSchema(pkg.outputSchema, 'output.schema.json').validate(output);
    if (violations.length > 0) {
      return checked({
        status: 'FAILED',
        ...base,
        output,
        outputJson,
        error: schemaError('OutputValidationError', 'output', violations),
        durationMs,
      });
    }
  }
  return checked({ status: 'COMPLETED', ...base, output, outputJson, durationMs });
}

// Turns what the engine reports (guest exceptions, interrupts, WebAssembly traps) into the typed
// errors users see, with the location in main.js taken from the guest's stack.
import { formatMb } from './host-budget.ts';
import type { HostStop, SandboxLimits, SourceLocation, TaskErrorInfo } from './types.ts';

const MAX_FRAMES = 20;

interface DumpedError {
  name?: unknown;
  type?: unknown;
  message?: unknown;
  stack?: unknown;
  status?: unknown;
}

/** The host's own verdict on a run it ended; the only errors that carry `stop`. */
export function limitError(stop: HostStop, limits: SandboxLimits): TaskErrorInfo {
  if (stop === 'cancelled') return hostStopped('cancelled', 'the execution was cancelled');
  return hostStopped('timeout', `task exceeded its time limit of ${limits.timeoutMs} ms`);
}

/** A run the host ended (timeout or cancel), for callers outside the sandbox (pool, supervisor). */
export function hostStopped(stop: HostStop, message: string): TaskErrorInfo {
  return { type: stop === 'cancelled' ? 'CancelledError' : 'TimeoutError', message, stop };
}

/**
 * Whether the host cancelled this run. Only the host's marker counts: whatever a task throws
 * (a `CancelledError` class of its own, a plain `{ type: "CancelledError" }`) is a task failure.
 */
export function cancelledByHost(error: TaskErrorInfo | null | undefined): boolean {
  return error?.stop === 'cancelled';
}

export function outOfMemory(limits: SandboxLimits): TaskErrorInfo {
  const mb = Math.round((limits.memoryBytes / (1024 * 1024)) * 10) / 10;
  return {
    type: 'OutOfMemoryError',
    message: `task exceeded its memory limit of ${mb} MB (raise memory_limit in metadata.json if it needs more)`,
  };
}

/** The run made the host hold more than its host budget (host-budget.ts). */
export function hostBudgetError(budgetBytes: number, what: string): TaskErrorInfo {
  return {
    type: 'OutOfMemoryError',
    message:
      `task exceeded its host budget of ${formatMb(budgetBytes)} (${what}): that is what a run may make ` +
      `the host hold (timers, recorded requests, logs, output); it is execution.host_budget_ratio × ` +
      `memory_limit, so raise memory_limit in metadata.json or execution.host_budget_ratio`,
  };
}

/** An exception that escaped the engine itself: a trap inside WebAssembly or a host bug. */
export function classifyFailure(err: unknown, limits: SandboxLimits): TaskErrorInfo {
  const message = err instanceof Error ? err.message : String(err);
  if (/out of memory|OOM|memory access out of bounds|Cannot enlarge memory|grow/i.test(message)) {
    return outOfMemory(limits);
  }
  return { type: 'InternalError', message: `the sandbox failed: ${message}` };
}

/**
 * What a task threw, as a task error of the class it names. Only type, message, stack, location
 * and an HttpError's status are taken from the thrown value; `stop` never is (see TaskErrorInfo).
 */
export function guestError(
  dumped: unknown,
  fileName: string,
  stop: HostStop | null,
  limits?: SandboxLimits,
): TaskErrorInfo {
  const d = (dumped && typeof dumped === 'object' ? dumped : { message: String(dumped) }) as DumpedError;
  const type = typeof d.type === 'string' ? d.type : typeof d.name === 'string' ? d.name : 'Error';
  const message = typeof d.message === 'string' ? d.message : String(d.message ?? '');
  const stack = typeof d.stack === 'string' ? d.stack : undefined;
  if (stop && limits) return limitError(stop, limits);
  if (type === 'InternalError' && /out of memory/i.test(message)) {
    return outOfMemory(limits ?? { memoryBytes: 0, timeoutMs: 0, stackBytes: 0 });
  }
  if (
    (type === 'RangeError' || type === 'InternalError') &&
    /stack (size )?(exceeded|overflow)/i.test(message)
  ) {
    return {
      type: 'StackOverflowError',
      message: `maximum call stack size exceeded (stack limit ${Math.round((limits?.stackBytes ?? 0) / 1024)} KiB): check for unbounded recursion`,
      ...locate(stack, fileName),
    };
  }
  const info: TaskErrorInfo = { type, message, ...locate(stack, fileName) };
  if (typeof d.status === 'number') info.status = d.status;
  return info;
}

function locate(stack: string | undefined, fileName: string): { stack?: string; location?: SourceLocation } {
  if (!stack) return {};
  const location = parseLocation(stack, fileName);
  // Frames of our prelude are noise to task authors.
  const frames = stack.split('\n').filter((l) => l.trim() !== '' && !l.includes('(ratchet:'));
  // Deep recursion produces thousands of identical frames; the first few say everything.
  const kept = frames.slice(0, MAX_FRAMES);
  if (frames.length > MAX_FRAMES) kept.push(`    ... ${frames.length - MAX_FRAMES} more frames`);
  const clean = kept.join('\n');
  return location ? { stack: clean, location } : { stack: clean };
}

export function parseLocation(stack: string, fileName: string): SourceLocation | undefined {
  const escaped = fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`${escaped}:(\\d+)(?::(\\d+))?`).exec(stack);
  if (!m) return undefined;
  const loc: SourceLocation = { file: fileName, line: Number(m[1]) };
  if (m[2]) loc.column = Number(m[2]);
  return loc;
}

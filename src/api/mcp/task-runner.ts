// The background half of a task-augmented tools/call: the tool runs in the process that received
// the call, after the call has already been answered with its task. Progress becomes the task's
// statusMessage (there is no request left to send notifications on), every execution the call
// starts is recorded on the task, a cancel (here, or on another node through the store) aborts the
// run, and the final CallToolResult is stored for tasks/result.
import type { Ratchet } from '../../app.ts';
import { startMcpTaskRun } from '../../services/mcp-tasks.ts';
import { errorResult } from './errors.ts';
import { runTool, type CallOutcome } from './framework.ts';
import type { ToolDefinition, ToolPrincipal } from './tool.ts';

/** Status message writes at most this often (a chatty reportProgress must not flood the store). */
const MESSAGE_WRITE_MS = 250;

/** Runs in this process; "42% — processed c" style status lines. */
function statusLine(fraction: number, message: string | undefined): string {
  const pct = `${Math.round(Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0)) * 100)}%`;
  return message === undefined || message === '' ? pct : `${pct} — ${message}`;
}

/** One line for the terminal status: what the call produced. */
function endLine(result: CallOutcome): string {
  if (result.isError) {
    const err = (result.structuredContent as { error?: { message?: string } }).error;
    return `tool error: ${err?.message ?? result.content[0]?.text ?? 'unknown'}`.slice(0, 500);
  }
  const s = result.structuredContent as { status?: unknown; summary?: Record<string, unknown> };
  if (typeof s.status === 'string') return `execution ${s.status}`;
  if (s.summary) return `batch: ${JSON.stringify(s.summary)}`;
  return 'completed';
}

export interface RunningTask {
  /** Settles once the result is stored (tests and shutdown wait on it). */
  done: Promise<void>;
}

const inFlight = new Set<Promise<void>>();

/** Waits for the task-augmented calls running in this process to store their results. */
export async function drainMcpTaskRuns(timeoutMs: number): Promise<void> {
  if (inFlight.size === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled([...inFlight]),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
  ]);
  clearTimeout(timer);
}

export function runToolAsTask(
  app: Ratchet,
  def: ToolDefinition,
  rawArgs: unknown,
  principal: ToolPrincipal,
  taskId: string,
): RunningTask {
  const abort = new AbortController();
  const run = startMcpTaskRun(app, taskId, () => abort.abort(new Error(`task ${taskId} was cancelled`)));
  const executionIds: number[] = [];
  let lastWrite = 0;
  let pending: string | undefined;
  let writing: Promise<void> = Promise.resolve();
  const write = (text: string): void => {
    lastWrite = Date.now();
    writing = writing.then(() => run.message(text).catch(() => undefined));
  };
  let flushTimer: NodeJS.Timeout | undefined;
  const progress = (fraction: number, message?: string): void => {
    const line = statusLine(fraction, message);
    if (Date.now() - lastWrite >= MESSAGE_WRITE_MS) {
      write(line);
      return;
    }
    // Keep the latest line and write it when the interval is up, so the last report is not lost.
    pending = line;
    flushTimer ??= setTimeout(() => {
      flushTimer = undefined;
      if (pending !== undefined) write(pending);
      pending = undefined;
    }, MESSAGE_WRITE_MS);
  };
  const done = (async () => {
    let result: CallOutcome;
    try {
      result = await runTool(def, rawArgs, {
        app,
        principal,
        progress,
        signal: abort.signal,
        onExecution: (id) => {
          executionIds.push(id);
          writing = writing.then(() => run.executions([...executionIds]).catch(() => undefined));
        },
      });
    } catch (err) {
      result = errorResult(err);
    }
    clearTimeout(flushTimer);
    await writing;
    try {
      await run.finish(result.isError ? 'failed' : 'completed', result, endLine(result));
    } finally {
      run.close();
    }
  })().catch((err: unknown) => {
    // The store refused the final write; the heartbeat has stopped, so readers fail the task later.
    process.stderr.write(
      `mcp task ${taskId}: could not store the result: ${err instanceof Error ? err.message : String(err)}\n`,
    );
  });
  inFlight.add(done);
  void done.finally(() => inFlight.delete(done));
  return { done };
}

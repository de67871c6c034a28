// The QuickJS engine (the Engine interface of types.ts): borrow a WebAssembly instance, run, give it
// back (or drop it when the run broke it). Everything about a single run lives in engine.ts.
import { acquireModule, releaseModule } from './module-pool.ts';
import { probeEntryInModule, runInModule } from './engine.ts';
import { limitError } from './errors.ts';
import type { Engine, SandboxHooks, SandboxRequest, SandboxResult, TaskErrorInfo } from './types.ts';
import { withHardDeadline } from './watchdog.ts';
import { PreparedContext } from './prepared-context.ts';

export async function runSandbox(req: SandboxRequest, hooks: SandboxHooks): Promise<SandboxResult> {
  const acquiring = hooks.timings ? performance.now() : 0;
  const pooled = await acquireModule(req.limits.memoryBytes);
  hooks.timings?.end('instance', acquiring);
  const started = performance.now();
  try {
    if (!hooks.hardDeadline) return runInModule(pooled, req, hooks);
    const result = withHardDeadline(() => runInModule(pooled, req, hooks), req.limits.timeoutMs);
    if (result) return result;
    // Terminated mid-run: the instance's state is whatever the guest left, so it is never reused.
    pooled.broken = true;
    const durationMs = performance.now() - started;
    return {
      ok: false,
      error: limitError('timeout', req.limits),
      logs: [],
      progress: [],
      http: [],
      durationMs,
    };
  } finally {
    releaseModule(pooled);
  }
}

/** Null when main.js evaluates to a task function; otherwise the error (syntax, top-level throw, no function). */
export async function probeEntry(
  code: string,
  memoryBytes = 64 * 1024 * 1024,
): Promise<TaskErrorInfo | null> {
  const pooled = await acquireModule(memoryBytes);
  try {
    return probeEntryInModule(pooled, code, { timeoutMs: 5000, memoryBytes, stackBytes: 256 * 1024 });
  } catch (err) {
    pooled.broken = true;
    return { type: 'InternalError', message: `main.js could not be evaluated: ${String(err)}` };
  } finally {
    releaseModule(pooled);
  }
}

/**
 * Makes an instance and its prepared context (globals installed, snapshot taken) ahead of the
 * first run, so a fresh thread's first run is timed as a run and not as the thread's start-up.
 */
export async function warmSandbox(memoryBytes: number): Promise<void> {
  const pooled = await acquireModule(memoryBytes);
  try {
    pooled.prepared ??= new PreparedContext(pooled);
  } finally {
    releaseModule(pooled);
  }
}

export const quickjsEngine: Engine = { name: 'quickjs', run: runSandbox, probe: probeEntry };

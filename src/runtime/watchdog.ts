// The watchdog: every run ends at its deadline and every cancel takes effect, even when the guest is
// stuck where the sandbox's interrupt handler is never reached. QuickJS builtins that loop inside C
// (`Array.prototype.includes.call({ length: 2 ** 32 - 1 }, 1)`, `lastIndexOf`, `join` on a huge
// array-like) run for minutes without executing a bytecode, so the deadline check in the interrupt
// handler never fires and neither does the cancel flag. The sandbox's own checks stay the normal way
// a run ends (they keep its logs); this module is the backstop that does not depend on the guest:
//
// - Runs in worker threads (executor pools, test-case threads): the thread writes the deadline of
//   the run it is executing into a shared DeadlineCell; the owner's Watchdog reads the cells and,
//   past deadline + WATCHDOG_GRACE_MS (or cancel + CANCEL_GRACE_MS), calls the owner's stop(), which
//   terminates and replaces the thread and reports the host's TimeoutError or CancelledError.
// - A run on the current thread (`ratchet run-once`): V8's own watchdog (node:vm's `timeout`)
//   terminates the JavaScript, WebAssembly included, at deadline + WATCHDOG_GRACE_MS.
//
// It lives in runtime/ because every layer that runs a sandbox uses it (workers/, testing/,
// the CLI); it knows nothing about who owns a thread.
import vm from 'node:vm';
import type { Worker } from 'node:worker_threads';
import type { HostStop } from './types.ts';

/**
 * How long past its deadline a run may go on before the watchdog ends it from outside: longer than
 * the sandbox's own ways of stopping (a fetch waits up to its deadline + 250 ms), so a run the
 * sandbox can still stop ends normally, with its logs, and never races the watchdog.
 */
export const WATCHDOG_GRACE_MS = 1000;
/** How long a cancelled run may go on before the watchdog ends it from outside. */
export const CANCEL_GRACE_MS = 500;
/** How often a Watchdog looks at its threads while they have work. */
export const WATCHDOG_CHECK_MS = 50;

/**
 * Resource limits of every thread that runs sandboxes. A thread's JavaScript allocates little that
 * lives (the sandbox's heap is WebAssembly memory), but V8 grows each thread's young generation to
 * its default maximum under load: with four threads that was most of the ~250 MB RSS a loaded
 * server gained. A small young generation costs a few more (cheap) scavenges.
 */
export const SANDBOX_THREAD_LIMITS = { maxYoungGenerationSizeMb: 8 };

/**
 * Shared memory a thread writes when a sandbox run starts (its deadline and time limit) and clears
 * when it ends; the thread's owner reads it without a message per run.
 */
export class DeadlineCell {
  readonly buffer: SharedArrayBuffer;
  private readonly cells: BigInt64Array;

  constructor(buffer = new SharedArrayBuffer(2 * BigInt64Array.BYTES_PER_ELEMENT)) {
    this.buffer = buffer;
    this.cells = new BigInt64Array(buffer);
  }

  /** Called by the thread when the sandbox starts (RunTaskOptions.onDeadline). */
  start(deadline: number, timeoutMs: number): void {
    Atomics.store(this.cells, 1, BigInt(Math.ceil(timeoutMs)));
    Atomics.store(this.cells, 0, BigInt(Math.ceil(deadline)));
  }

  clear(): void {
    Atomics.store(this.cells, 0, 0n);
  }

  /** Epoch ms by which the running sandbox must end; 0 when none is running. */
  deadline(): number {
    return Number(Atomics.load(this.cells, 0));
  }

  timeoutMs(): number {
    return Number(Atomics.load(this.cells, 1));
  }
}

/** One thread as its owner shows it to the watchdog. */
export interface Watched {
  /** The thread has work sent to it (keeps the watchdog looking). */
  busy(): boolean;
  readonly cell: DeadlineCell;
  /** When a cancel of the run it is executing was asked for, if one was. */
  cancelledAt(): number | undefined;
  /** End the thread's run from outside: terminate and replace the thread, report this verdict. */
  stop(verdict: HostStop, message: string): void;
}

/** The verdict on one thread now: null while its run may go on. */
export function overdue(w: Watched, now: number): { verdict: HostStop; message: string } | null {
  const cancelled = w.cancelledAt();
  if (cancelled !== undefined && now - cancelled > CANCEL_GRACE_MS) {
    return {
      verdict: 'cancelled',
      message: `the execution was cancelled (it did not stop within ${CANCEL_GRACE_MS} ms, so the watchdog ended its thread)`,
    };
  }
  const deadline = w.cell.deadline();
  if (deadline > 0 && now > deadline + WATCHDOG_GRACE_MS) {
    return {
      verdict: 'timeout',
      message: `task exceeded its time limit of ${w.cell.timeoutMs()} ms (it was stuck where the sandbox cannot interrupt it, so the watchdog ended its thread ${now - deadline} ms past the deadline)`,
    };
  }
  return null;
}

/**
 * Looks at a set of threads every WATCHDOG_CHECK_MS while any has work, and stops the overdue ones.
 * Owners call arm() when they send work; the timer stops by itself once no thread is busy, so an
 * idle process is never woken.
 */
export class Watchdog {
  private readonly threads: () => Iterable<Watched>;
  private timer?: NodeJS.Timeout;
  /** Threads stopped so far (for diagnostics and tests). */
  stops = 0;

  constructor(threads: () => Iterable<Watched>) {
    this.threads = threads;
  }

  arm(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.check(), WATCHDOG_CHECK_MS);
    this.timer.unref();
  }

  check(now = Date.now()): void {
    let busy = false;
    for (const w of [...this.threads()]) {
      if (!w.busy()) continue;
      busy = true;
      const due = overdue(w, now);
      if (!due) continue;
      this.stops++;
      try {
        w.stop(due.verdict, due.message);
      } catch {
        // An owner failing to replace one thread must not keep the others unwatched.
      }
    }
    if (!busy) this.disarm();
  }

  disarm(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/**
 * Wires the ways a thread can be lost: it crashed ('error'), it exited, or one of its messages could
 * not be deserialised ('messageerror', which Node otherwise drops silently, so whoever waited for
 * that message would wait for ever). `lost` is called at most once per thread.
 */
export function onThreadLost(
  worker: Worker,
  name: string,
  lost: (why: string, crashed: boolean) => void,
): void {
  let done = false;
  const once = (why: string, crashed: boolean): void => {
    if (done) return;
    done = true;
    lost(why, crashed);
  };
  worker.on('error', (err) => once(`${name} crashed: ${err.message}`, true));
  worker.on('exit', (code) => once(`${name} exited with code ${code}`, true));
  worker.on('messageerror', (err) =>
    once(`a message from ${name} could not be read (${err.message}); the thread was replaced`, false),
  );
}

let guard: { context: vm.Context; script: vm.Script } | undefined;

/**
 * Runs `run` (synchronous sandbox work on the current thread) and terminates it if it is still going
 * timeoutMs + WATCHDOG_GRACE_MS after it started. Returns undefined when it was terminated; the
 * caller must then treat everything `run` was touching as corrupt. Costs a helper thread per call
 * (~0.3 ms), so it is for one-off runs (run-once), not for pools.
 */
export function withHardDeadline<T>(run: () => T, timeoutMs: number): T | undefined {
  guard ??= { context: vm.createContext({ run: undefined }), script: new vm.Script('run()') };
  const ctx = guard.context as { run?: () => T };
  ctx.run = run;
  try {
    return guard.script.runInContext(guard.context, {
      timeout: Math.max(1, Math.ceil(timeoutMs + WATCHDOG_GRACE_MS)),
    }) as T;
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return undefined;
    throw err;
  } finally {
    ctx.run = undefined;
  }
}

// The guest's timers between its jobs: when a run's promise waits on setTimeout, the host sleeps
// until the next timer is due (never past the deadline) and fires the ones that are.
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';
import type { Timer } from './globals.ts';
import { TIMER_COST_BYTES } from './host-budget.ts';
import type { ActiveRun } from './prepared-context.ts';
import { sleepMs } from './sleep.ts';
import type { SandboxHooks } from './types.ts';

/**
 * Waits for the next guest timer (never past the deadline) and fires what is due. `more` is false
 * when no timer is left; an exception in a callback fails the run like an unhandled rejection.
 */
export function advanceTimers(
  ctx: QuickJSContext,
  run: ActiveRun,
  deadline: number,
  hooks: SandboxHooks,
): { more: boolean; error?: QuickJSHandle } {
  const { timers } = run;
  if (timers.size === 0) return { more: false };
  // A loop, not Math.min(...spread): a task may have hundreds of thousands of timers pending.
  let due = Infinity;
  for (const t of timers.values()) due = Math.min(due, t.due);
  const wait = Math.min(due - Date.now(), deadline - Date.now() + 1);
  if (wait > 0) {
    const slept = hooks.timings ? performance.now() : 0;
    sleepMs(wait, hooks.isCancelled);
    if (hooks.timings) hooks.timings.timerWaitMs += performance.now() - slept;
  }
  const now = Date.now();
  const ready: Timer[] = [];
  for (const t of timers.values()) if (t.due <= now) ready.push(t);
  ready.sort((a, b) => a.due - b.due || a.id - b.id);
  for (const t of ready) {
    // A callback may have cleared a later timer of this batch, or the run may have to stop.
    if (!timers.delete(t.id)) continue;
    run.rec.budget.release(TIMER_COST_BYTES);
    if (run.halted()) {
      t.fn.dispose();
      continue;
    }
    const r = ctx.callFunction(t.fn, ctx.undefined);
    t.fn.dispose();
    if (r.error) return { more: true, error: r.error };
    r.value.dispose();
  }
  return { more: true };
}

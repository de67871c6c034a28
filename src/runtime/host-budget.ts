// The host-side budget of one run. Task code is hostile: whatever it hands the host (log lines,
// progress messages, recorded request and response bodies, timers, its output) lives in the host's
// own heap, outside the WebAssembly memory `memory_limit` bounds. Every such byte is charged here,
// so one run cannot make the server hold more than its budget (plus what is in flight during a
// single host call, which the guest's own memory limit already bounds).
//
// Two kinds of charge: diagnostic data (logs, progress history, recorded bodies) is simply not kept
// when there is no room (`tryCharge`, the recorder leaves a marker instead); what the run cannot do
// without (timers, recorded exchanges, the output) fails the run past the budget (`charge`).
import type { SandboxLimits } from './types.ts';

/** The budget is `host_budget_ratio` × memory_limit, but never below this. */
export const MIN_HOST_BUDGET_BYTES = 8 * 1024 * 1024;
/** Default `execution.host_budget_ratio`. */
export const DEFAULT_HOST_BUDGET_RATIO = 1;
/**
 * What a pending timer costs the host: its record, the quickjs-emscripten handle (a Lifetime with
 * its closures) and the host-ref bookkeeping. Measured at roughly 400–600 bytes on Node 24; charged
 * generously so the budget bounds the real heap.
 */
export const TIMER_COST_BYTES = 1024;
/** Bookkeeping of one kept log line or progress event besides its text. */
export const ENTRY_COST_BYTES = 128;
/** Recorded bodies may use at most this share of the budget, so they never starve the rest. */
export const RECORDED_BODY_SHARE = 0.5;

export function hostBudgetBytes(limits: SandboxLimits): number {
  return (
    limits.hostBudgetBytes ?? Math.max(MIN_HOST_BUDGET_BYTES, limits.memoryBytes * DEFAULT_HOST_BUDGET_RATIO)
  );
}

export function formatMb(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

export class HostBudget {
  readonly limitBytes: number;
  private used = 0;
  private bodies = 0;
  /** Set once a required charge did not fit: what it was for. */
  exceeded?: string;

  constructor(limitBytes: number) {
    this.limitBytes = limitBytes;
  }

  get usedBytes(): number {
    return this.used;
  }

  /** Charges what the run needs; false (and `exceeded` set) when it does not fit. */
  charge(bytes: number, what: string): boolean {
    if (this.used + bytes > this.limitBytes) {
      this.exceeded ??= what;
      return false;
    }
    this.used += bytes;
    return true;
  }

  /** Charges diagnostic data only when it fits; nothing is recorded as exceeded. */
  tryCharge(bytes: number): boolean {
    if (this.used + bytes > this.limitBytes) return false;
    this.used += bytes;
    return true;
  }

  /** How many characters of a recorded body may be kept (0 when the bodies' share is spent). */
  bodyRoom(): number {
    const share = this.limitBytes * RECORDED_BODY_SHARE - this.bodies;
    return Math.max(0, Math.min(share, this.limitBytes - this.used));
  }

  chargeBody(chars: number): void {
    this.bodies += chars;
    this.used += chars;
  }

  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

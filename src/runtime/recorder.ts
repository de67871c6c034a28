// Collects what a run produces besides its output (logs, progress, HTTP exchanges), charging all of
// it to the run's host budget (host-budget.ts): logs and progress beyond their caps or the budget
// are dropped with a note, recorded bodies are truncated with a marker, and an exchange that does
// not fit fails the run. The guest always gets the full response; only the record is trimmed.
import type { HttpExchange, HttpRequestSpec } from '../http/types.ts';
import { ENTRY_COST_BYTES, HostBudget, MIN_HOST_BUDGET_BYTES } from './host-budget.ts';
import { detachedSlice, trimExchange } from './recorded-exchange.ts';
import type { LogEntry, LogLevel, ProgressEvent, SandboxHooks } from './types.ts';

const MAX_LOG_ENTRIES = 10_000;
const MAX_LOG_BYTES = 1024 * 1024;
export const MAX_LOG_LINE = 64 * 1024;
export const MAX_PROGRESS_MESSAGE = 1024;
/** Progress history kept for the result (the latest events; the last one always). */
const MAX_PROGRESS_EVENTS = 100;
const MAX_FETCHES = 1_000;
const LEVELS = new Set<LogLevel>(['debug', 'log', 'info', 'warn', 'error']);

const progressCost = (e: ProgressEvent): number => ENTRY_COST_BYTES + (e.message?.length ?? 0);

export class RunRecorder {
  private readonly hooks: SandboxHooks;
  readonly budget: HostBudget;
  private readonly logs: LogEntry[] = [];
  private readonly progressEvents: ProgressEvent[] = [];
  private latestProgress?: ProgressEvent;
  private readonly http: HttpExchange[] = [];
  private logBytes = 0;
  private droppedLogs = 0;
  private droppedProgress = 0;

  constructor(hooks: SandboxHooks, budget = new HostBudget(MIN_HOST_BUDGET_BYTES)) {
    this.hooks = hooks;
    this.budget = budget;
  }

  /** Whether another log line would be kept (callers skip formatting when not). */
  acceptsLogs(): boolean {
    return this.logs.length < MAX_LOG_ENTRIES && this.logBytes < MAX_LOG_BYTES;
  }

  log(level: string, message: string): void {
    // The guest-side formatter already cut long values (with its own marker, hence the slack).
    const text =
      message.length > MAX_LOG_LINE + 100
        ? `${detachedSlice(message, MAX_LOG_LINE)}… [line truncated]`
        : message;
    if (!this.acceptsLogs() || !this.budget.tryCharge(ENTRY_COST_BYTES + text.length)) {
      this.droppedLogs++;
      return;
    }
    const entry: LogEntry = {
      level: LEVELS.has(level as LogLevel) ? (level as LogLevel) : 'log',
      message: text,
      timestamp: new Date().toISOString(),
    };
    this.logBytes += text.length;
    this.logs.push(entry);
    this.hooks.onLog?.(entry);
  }

  progress(fraction: number, message: string): void {
    const event: ProgressEvent = { fraction, timestamp: new Date().toISOString() };
    if (message) {
      event.message =
        message.length > MAX_PROGRESS_MESSAGE + 100 ? detachedSlice(message, MAX_PROGRESS_MESSAGE) : message;
    }
    // The history keeps the latest events; the oldest make room, and so does the budget.
    if (this.progressEvents.length >= MAX_PROGRESS_EVENTS) {
      this.budget.release(progressCost(this.progressEvents.shift()!));
      this.droppedProgress++;
    }
    if (this.budget.tryCharge(progressCost(event))) this.progressEvents.push(event);
    else this.droppedProgress++;
    this.latestProgress = event;
    this.hooks.onProgress?.(event);
  }

  fetch(request: HttpRequestSpec, timeoutMs: number): HttpExchange {
    if (this.http.length >= MAX_FETCHES) {
      return {
        request,
        error: { type: 'NetworkError', message: `too many requests: a run may make at most ${MAX_FETCHES}` },
        startedAt: new Date().toISOString(),
        durationMs: 0,
      };
    }
    const exchange = this.hooks.fetch(request, timeoutMs);
    const kept = trimExchange(exchange, this.budget);
    if (kept) this.http.push(kept);
    return exchange;
  }

  collect(): { logs: LogEntry[]; progress: ProgressEvent[]; http: HttpExchange[] } {
    const logs = this.logs.slice();
    if (this.droppedLogs > 0) {
      logs.push({
        level: 'warn',
        message: `${this.droppedLogs} further log lines dropped (limit ${MAX_LOG_ENTRIES} lines / ${MAX_LOG_BYTES} bytes, or the run's host budget)`,
        timestamp: new Date().toISOString(),
      });
    }
    const progress = this.progressEvents.slice();
    // The last event reported is always there: it is the run's final progress.
    if (this.latestProgress && progress.at(-1) !== this.latestProgress) progress.push(this.latestProgress);
    return { logs, progress, http: this.http };
  }
}

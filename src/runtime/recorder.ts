// Collects what a run produces besides its output (logs, progress, HTTP exchanges), with caps so
// a task printing in a loop cannot exhaust the host's memory through its logs.
import type { HttpExchange, HttpRequestSpec } from '../http/types.ts';
import type { LogEntry, LogLevel, ProgressEvent, SandboxHooks } from './types.ts';

const MAX_LOG_ENTRIES = 10_000;
const MAX_LOG_BYTES = 1024 * 1024;
const MAX_LOG_LINE = 64 * 1024;
const MAX_FETCHES = 1_000;
const LEVELS = new Set<LogLevel>(['debug', 'log', 'info', 'warn', 'error']);

export class RunRecorder {
  private readonly hooks: SandboxHooks;
  private readonly logs: LogEntry[] = [];
  private readonly progressEvents: ProgressEvent[] = [];
  private readonly http: HttpExchange[] = [];
  private logBytes = 0;
  private droppedLogs = 0;

  constructor(hooks: SandboxHooks) {
    this.hooks = hooks;
  }

  log(level: string, message: string): void {
    if (this.logs.length >= MAX_LOG_ENTRIES || this.logBytes >= MAX_LOG_BYTES) {
      this.droppedLogs++;
      return;
    }
    const text =
      message.length > MAX_LOG_LINE ? `${message.slice(0, MAX_LOG_LINE)}… [line truncated]` : message;
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
    if (message) event.message = message;
    this.progressEvents.push(event);
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
    this.http.push(exchange);
    return exchange;
  }

  collect(): { logs: LogEntry[]; progress: ProgressEvent[]; http: HttpExchange[] } {
    const logs = this.logs.slice();
    if (this.droppedLogs > 0) {
      logs.push({
        level: 'warn',
        message: `${this.droppedLogs} further log lines dropped (limit ${MAX_LOG_ENTRIES} lines / ${MAX_LOG_BYTES} bytes)`,
        timestamp: new Date().toISOString(),
      });
    }
    return { logs, progress: this.progressEvents, http: this.http };
  }
}

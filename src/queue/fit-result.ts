// What an execution's record may hold when it is stored: at most execution.max_result_bytes of JSON
// over output, error, logs, recorded HTTP traffic and progress. A run that fetched 60 × 10 MB made a
// record the database driver could not even build ("Invalid string length"), and the result writer
// retried it for ever while the rest of its batch waited. Here, before any write:
//
// 1. every part is serialised on its own (each HTTP exchange separately, so no single string grows
//    past what V8 can hold); a part that cannot be serialised makes the result unstorable;
// 2. when the total is over the cap, recorded HTTP bodies are cut to one common length (small
//    bodies stay whole) with a marker and `truncatedFrom`, the convention the run's own recorder uses;
// 3. a result that still does not fit keeps its verdict, error summary and progress, drops the rest,
//    and fails with ResultTooLargeError (a COMPLETED run becomes FAILED: its output was not kept).
import type { ExecutionError } from '../store/repos/executions.ts';

export interface StoredParts {
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED';
  output?: unknown;
  error?: ExecutionError | null;
  logs?: unknown[] | null;
  http?: unknown[] | null;
  progress?: unknown;
}

export const RESULT_LIMIT_KEY = 'execution.max_result_bytes';
export const RESULT_TOO_LARGE = 'ResultTooLargeError';
/** The database refused a record that fit (result-writer.ts): that execution fails, nothing else. */
export const RESULT_STORE_ERROR = 'ResultStoreError';
/** Progress kept on a result that did not fit is at most this large. */
const KEPT_PROGRESS_BYTES = 64 * 1024;
const KEPT_MESSAGE_CHARS = 2000;

function jsonBytes(value: unknown): number {
  if (value === undefined || value === null) return 0;
  const text = JSON.stringify(value);
  return text === undefined ? 0 : Buffer.byteLength(text);
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

interface Body {
  body?: string | null;
  bodyEncoding?: string;
  truncatedFrom?: number;
}

interface ExchangeSize {
  exchange: Record<string, unknown>;
  bytes: number;
  bodies: Body[];
}

function bodiesOf(exchange: Record<string, unknown>): Body[] {
  const out: Body[] = [];
  for (const key of ['request', 'response']) {
    const spec = exchange[key] as Body | undefined;
    if (spec && typeof spec === 'object' && typeof spec.body === 'string') out.push(spec);
  }
  return out;
}

function cutBody<T extends Body>(spec: T, keep: number, limit: number): T {
  const body = spec.body as string;
  if (body.length <= keep) return spec;
  const base64 = spec.bodyEncoding === 'base64';
  const kept = base64 ? keep - (keep % 4) : keep;
  const marker = base64
    ? ''
    : `… [truncated by Ratchet: ${body.length} characters; the execution record keeps at most ${limit} bytes (${RESULT_LIMIT_KEY})]`;
  return { ...spec, body: body.slice(0, kept) + marker, truncatedFrom: spec.truncatedFrom ?? body.length };
}

function cutExchange(e: Record<string, unknown>, keep: number, limit: number): Record<string, unknown> {
  const out = { ...e };
  for (const key of ['request', 'response']) {
    const spec = e[key] as Body | undefined;
    if (spec && typeof spec === 'object' && typeof spec.body === 'string')
      out[key] = cutBody(spec, keep, limit);
  }
  return out;
}

/** The recorded HTTP traffic cut to fit `room` bytes, or undefined when even empty bodies do not fit. */
function fitHttp(sizes: ExchangeSize[], room: number, limit: number): unknown[] | undefined {
  const marker = 200; // the marker text and truncatedFrom, generously
  // Every character of a body takes at least one byte serialised, so cutting a body by n characters
  // saves at least n bytes: this estimate never undercounts (the caller measures the result).
  const cost = (keep: number): number =>
    sizes.reduce((sum, s) => {
      let n = s.bytes;
      for (const b of s.bodies) {
        const len = (b.body as string).length;
        if (len > keep) n -= len - keep - marker;
      }
      return sum + n;
    }, 0);
  if (cost(0) > room) return undefined;
  let lo = 0;
  let hi = Math.max(0, ...sizes.flatMap((s) => s.bodies.map((b) => (b.body as string).length)));
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (cost(mid) <= room) lo = mid;
    else hi = mid - 1;
  }
  return sizes.map((s) => cutExchange(s.exchange, lo, limit));
}

/**
 * The parts as they may be stored within `maxBytes`. Returns the same object when it fits (the
 * common case costs one serialisation per part).
 */
export function fitResult<T extends StoredParts>(parts: T, maxBytes: number): T {
  let problem: string;
  try {
    const fixed =
      jsonBytes(parts.output) + jsonBytes(parts.error) + jsonBytes(parts.logs) + jsonBytes(parts.progress);
    const httpSizes: ExchangeSize[] = (parts.http ?? []).map((x) => {
      const exchange = (x ?? {}) as Record<string, unknown>;
      return { exchange, bytes: jsonBytes(x) + 1, bodies: bodiesOf(exchange) };
    });
    const httpBytes = httpSizes.reduce((n, s) => n + s.bytes, 0);
    if (fixed + httpBytes <= maxBytes) return parts;
    const http = fixed < maxBytes ? fitHttp(httpSizes, maxBytes - fixed - 2, maxBytes) : undefined;
    if (http && fixed + jsonBytes(http) <= maxBytes) return { ...parts, http };
    problem = `the execution's record is ${mib(fixed + httpBytes)} as JSON (output, error, logs and progress ${mib(fixed)}, recorded HTTP traffic ${mib(httpBytes)}); even with recorded HTTP bodies cut it exceeds ${mib(maxBytes)} (${RESULT_LIMIT_KEY})`;
  } catch (err) {
    // JSON.stringify throws for values it cannot represent (a string past V8's maximum length).
    problem = `the execution's record cannot be serialised as JSON (${(err as Error).message})`;
  }
  return unstorable(parts, `${problem}; its output, logs and recorded HTTP traffic were not stored`);
}

/**
 * What is kept of a result that cannot be stored as it is: the verdict (COMPLETED becomes FAILED,
 * since the output is gone), an error that says why and what the run's own error was, and small
 * progress. `type` is ResultTooLargeError unless the caller knows better (ResultStoreError).
 */
export function unstorable<T extends StoredParts>(parts: T, message: string, type = RESULT_TOO_LARGE): T {
  const original = parts.error;
  const was =
    original && typeof original.type === 'string'
      ? ` The run itself ended with ${original.type}: ${String(original.message).slice(0, KEPT_MESSAGE_CHARS)}`
      : '';
  let progress: unknown = null;
  try {
    if (jsonBytes(parts.progress) <= KEPT_PROGRESS_BYTES) progress = parts.progress ?? null;
  } catch {
    progress = null;
  }
  const error: ExecutionError =
    parts.status === 'CANCELLED' && original
      ? {
          type: original.type,
          message: `${String(original.message).slice(0, KEPT_MESSAGE_CHARS)} (${message})`,
        }
      : { type, message: `${message}.${was}` };
  return {
    ...parts,
    status: parts.status === 'COMPLETED' ? 'FAILED' : parts.status,
    output: null,
    error,
    logs: null,
    http: null,
    progress,
  };
}

// What an execution's trace shows every face: console lines, HTTP exchanges (bodies cut at 4 KB)
// and a timeline with offsets in milliseconds from the start of the run. The MCP tools, REST and
// the coming GraphQL/dashboard views all read these shapes.
import type { HttpExchange } from '../http/types.ts';
import type { LogEntry } from '../runtime/types.ts';
import type { ExecutionRecord } from './executions.ts';

export interface HttpCallView {
  method: string;
  url: string;
  /** Response status, null when no response came. */
  status: number | null;
  ok: boolean;
  duration_ms: number;
  started_at: string;
  error: { type: string; message: string } | null;
  request_headers?: Record<string, string>;
  request_body?: string | null;
  response_headers?: Record<string, string>;
  response_body?: string | null;
}

export interface TimelineEntry {
  /** Milliseconds since the run started. */
  at_ms: number;
  kind: 'start' | 'log' | 'http' | 'progress' | 'end';
  summary: string;
}

export function logsOf(e: Pick<ExecutionRecord, 'logs'>): LogEntry[] {
  return ((e.logs ?? []) as Partial<LogEntry>[]).map((l) => ({
    level: String(l.level ?? 'log'),
    message: String(l.message ?? ''),
    timestamp: String(l.timestamp ?? ''),
  })) as LogEntry[];
}

const BODY_LIMIT = 4096;

function cut(body: string | null | undefined): string | null {
  if (body === null || body === undefined) return null;
  return body.length > BODY_LIMIT ? `${body.slice(0, BODY_LIMIT)}… (${body.length} characters)` : body;
}

export function httpCall(raw: unknown, full: boolean): HttpCallView {
  const x = raw as HttpExchange;
  const status = x.response?.status ?? null;
  const view: HttpCallView = {
    method: x.request?.method ?? 'GET',
    url: x.request?.url ?? '',
    status,
    ok: status !== null && status >= 200 && status < 300,
    duration_ms: x.durationMs ?? 0,
    started_at: x.startedAt ?? '',
    error: x.error ? { type: x.error.type, message: x.error.message } : null,
  };
  if (!full) return view;
  return {
    ...view,
    request_headers: x.request?.headers ?? {},
    request_body: cut(x.request?.body),
    response_headers: x.response?.headers ?? {},
    response_body: cut(x.response?.body),
  };
}

export function timelineOf(e: ExecutionRecord): TimelineEntry[] {
  const start = e.startedAt ? Date.parse(e.startedAt) : Date.parse(e.createdAt);
  const at = (iso: string | null | undefined) => {
    const t = iso ? Date.parse(iso) : NaN;
    return Number.isFinite(t) ? Math.max(0, t - start) : 0;
  };
  const out: TimelineEntry[] = [{ at_ms: 0, kind: 'start', summary: `execution ${e.id} started` }];
  for (const l of logsOf(e))
    out.push({ at_ms: at(l.timestamp), kind: 'log', summary: `${l.level}: ${l.message}` });
  for (const raw of e.http ?? []) {
    const c = httpCall(raw, false);
    const result = c.error ? `${c.error.type}: ${c.error.message}` : `${c.status}`;
    out.push({
      at_ms: at(c.started_at),
      kind: 'http',
      summary: `${c.method} ${c.url} → ${result} in ${c.duration_ms} ms`,
    });
  }
  const p = e.progress as { fraction?: number; message?: string; timestamp?: string } | null;
  if (p && typeof p.fraction === 'number') {
    out.push({
      at_ms: at(p.timestamp),
      kind: 'progress',
      summary: `last progress ${Math.round(p.fraction * 100)}%${p.message ? `: ${p.message}` : ''}`,
    });
  }
  out.sort((a, b) => a.at_ms - b.at_ms);
  if (e.finishedAt) {
    const why = e.error ? ` (${e.error.type}: ${e.error.message})` : '';
    out.push({ at_ms: e.durationMs ?? at(e.finishedAt), kind: 'end', summary: `${e.status}${why}` });
  }
  return out;
}

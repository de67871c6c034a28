// Logs, HTTP exchanges and timelines of an execution as the tools return them: typed, bounded in
// size (bodies cut at 4 KB), offsets in milliseconds from the start of the run.
import { z } from 'zod';
import type { HttpExchange } from '../../../http/types.ts';
import type { LogEntry } from '../../../runtime/types.ts';
import type { ExecutionRecord } from '../../../services/executions.ts';

export const logEntry = z.object({ level: z.string(), message: z.string(), timestamp: z.string() });

export function logsOf(e: Pick<ExecutionRecord, 'logs'>): LogEntry[] {
  return ((e.logs ?? []) as Partial<LogEntry>[]).map((l) => ({
    level: String(l.level ?? 'log'),
    message: String(l.message ?? ''),
    timestamp: String(l.timestamp ?? ''),
  })) as LogEntry[];
}

export const httpCallView = z.object({
  method: z.string(),
  url: z.string(),
  status: z.number().int().nullable().describe('Response status, null when no response came'),
  ok: z.boolean(),
  duration_ms: z.number(),
  started_at: z.string(),
  error: z.object({ type: z.string(), message: z.string() }).nullable(),
  request_headers: z.record(z.string(), z.string()).optional(),
  request_body: z.string().nullable().optional(),
  response_headers: z.record(z.string(), z.string()).optional(),
  response_body: z.string().nullable().optional(),
});
export type HttpCallView = z.input<typeof httpCallView>;

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

export const timelineEntry = z.object({
  at_ms: z.number().describe('Milliseconds since the run started'),
  kind: z.enum(['start', 'log', 'http', 'progress', 'end']),
  summary: z.string(),
});
type TimelineEntry = z.input<typeof timelineEntry>;

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

// The output schemas of an execution's trace (services/execution-trace.ts builds the values):
// console lines, HTTP calls and the timeline.
import { z } from 'zod';

export const logEntry = z.object({ level: z.string(), message: z.string(), timestamp: z.string() });

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

export const timelineEntry = z.object({
  at_ms: z.number().describe('Milliseconds since the run started'),
  kind: z.enum(['start', 'log', 'http', 'progress', 'end']),
  summary: z.string(),
});

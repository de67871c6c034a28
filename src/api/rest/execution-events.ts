// GET /executions/{id}/events: server-sent events for one execution. `status` first (the current
// state), `progress` as the task reports it, a final `status` with the result, then the stream
// closes. A finished execution gets its final status at once. Heartbeat comments keep proxies from
// timing the stream out; a client that goes away ends the watch.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { watchExecution, type ExecutionEvent } from '../../services/execution-events.ts';
import type { IdParam, RestOptions } from './common.ts';
import { routeSchema } from './schema.ts';
import { openEventStream } from './event-stream.ts';

function payload(e: ExecutionEvent): Record<string, unknown> {
  if (e.type === 'progress') return { executionId: e.executionId, progress: e.progress };
  if (e.type === 'log') return { executionId: e.executionId, lines: e.entries, dropped: e.dropped };
  const out: Record<string, unknown> = { executionId: e.executionId, status: e.status, final: e.final };
  if (e.execution) {
    out.output = e.execution.output;
    out.error = e.execution.error;
    out.durationMs = e.execution.durationMs;
    out.finishedAt = e.execution.finishedAt;
  }
  return out;
}

const plugin: FastifyPluginAsync<RestOptions & { heartbeatMs?: number; pollMs?: number }> = async (
  server,
  { app, heartbeatMs, pollMs },
) => {
  server.get<{ Params: IdParam }>(
    '/executions/:id/events',
    {
      config: { access: 'read' },
      schema: {
        ...routeSchema({
          tags: ['executions'],
          summary: 'Follow an execution as server-sent events (progress, status)',
          description:
            'text/event-stream. Events: `status` `{ executionId, status, final, output?, error?, durationMs? }` and `progress` `{ executionId, progress: { fraction, message?, timestamp } }` and `log` `{ executionId, lines: [{ level, message, timestamp }], dropped }` (lines the task writes while it runs in this server process, at most 50 per 100 ms; `dropped` counts the rest of a burst, all lines are stored with the result). The stream ends after the final status.',
          params: z.object({ id: z.string().min(1).max(64) }),
          response: z.string().describe('text/event-stream'),
        }),
      },
    },
    async (request, reply) => {
      const queued: ExecutionEvent[] = [];
      const sink: { write?: (e: ExecutionEvent) => void } = {};
      // The watch reports the current state synchronously; nothing is written before the headers.
      const watch = await watchExecution(
        app,
        request.params.id,
        (e) => (sink.write ? sink.write(e) : queued.push(e)),
        {
          pollMs,
        },
      );
      const stream = openEventStream(reply, 'execution events', heartbeatMs);
      stream.onClose(() => watch.stop());
      sink.write = (e) => {
        stream.send(e.type, payload(e));
        if (e.type === 'status' && e.final) stream.close();
      };
      for (const e of queued.splice(0)) sink.write(e);
    },
  );
};

export default plugin;

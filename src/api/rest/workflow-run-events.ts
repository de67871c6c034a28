// GET /workflow-runs/{id}/events: server-sent events for one workflow run. A `status` event (the
// run and each step, as GET /workflow-runs/{id} answers) first and on every change of the run or
// a step, the last one with `final: true` once the run ended, then the stream closes. Heartbeat
// comments keep proxies from timing out; a client that goes away ends the watch.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { runStatus, waitForRun } from '../../services/workflows/index.ts';
import type { RestOptions } from './common.ts';
import { routeSchema } from './schema.ts';
import { openEventStream } from './event-stream.ts';
import { runEnded } from '../../workflows/states.ts';

const plugin: FastifyPluginAsync<RestOptions> = async (server, { app }) => {
  server.get<{ Params: { id: string } }>(
    '/workflow-runs/:id/events',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags: ['workflow-runs'],
        summary: 'Follow a workflow run as server-sent events',
        description:
          'text/event-stream. Event `status`: `{ run, steps, final }` (as GET /workflow-runs/{id}), first at once and then on every change; the stream ends after the one with final true (the run COMPLETED, FAILED, CANCELLED or RESOLVED_MANUALLY).',
        params: z.object({ id: z.string().min(1).max(64) }),
        response: z.string().describe('text/event-stream'),
      }),
    },
    async (request, reply) => {
      // A missing run answers 404 before the stream starts.
      const first = await runStatus(app, request.params.id);
      const stream = openEventStream(reply, 'workflow run events');
      const stop = new AbortController();
      stream.onClose(() => stop.abort());
      try {
        await waitForRun(app, first.run.id, {
          pollMs: 50,
          signal: stop.signal,
          onChange: (s) => stream.send('status', { ...s, final: runEnded(s.run.status) }),
        });
      } finally {
        stream.close();
      }
    },
  );
};

export default plugin;

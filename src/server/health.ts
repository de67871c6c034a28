// Liveness, readiness and health: /live (the process answers), /ready (503 until start-up —
// migrations and the first registry sync — is done, and again while shutting down), /health (a
// cheap "ok" for load balancers) and /health/detailed (database, registry, workers, queue).
import type { FastifyInstance } from 'fastify';
import type { Ratchet } from '../app.ts';
import { sourceStatuses } from '../services/registry-service.ts';
import { queueState } from '../services/queue-control.ts';
import { queueStats, workerSummary } from '../services/queue-stats.ts';
import { pingDatabase } from '../services/health.ts';
import { rootPlugin } from './root-plugin.ts';
import { ratchetVersion } from '../version.ts';
import { DB_RETRY_AFTER_SECONDS } from '../store/outage.ts';

export interface Readiness {
  isReady(): boolean;
  /** Why not ready (shown by /ready); empty when ready. */
  reason(): string;
  markReady(): void;
  markNotReady(reason: string): void;
}

export function createReadiness(ready = false, reason = 'starting'): Readiness {
  let state = { ready, reason: ready ? '' : reason };
  return {
    isReady: () => state.ready,
    reason: () => state.reason,
    markReady: () => (state = { ready: true, reason: '' }),
    markNotReady: (why) => (state = { ready: false, reason: why }),
  };
}

const PROBE = { access: 'public', rateLimit: false } as const;

/** /ready waits this long for the database before calling it unavailable. */
const READY_PING_MS = 3000;

export const healthPlugin = rootPlugin<{ app: Ratchet; readiness: Readiness }>(
  'ratchet-health',
  async (server: FastifyInstance, opts) => {
    const { app, readiness } = opts;
    const version = ratchetVersion();
    const uptime = () => Math.round(process.uptime() * 10) / 10;

    server.get('/live', { config: PROBE, schema: { tags: ['health'] } }, async () => ({ status: 'alive' }));

    // The README's deployment checklist names /api/v1/health: the same probe under the API prefix.
    for (const path of ['/health', '/api/v1/health']) {
      server.get(path, { config: PROBE, schema: { tags: ['health'] } }, async () => ({
        status: 'ok',
        version,
        uptime: uptime(),
      }));
    }

    server.get('/ready', { config: PROBE, schema: { tags: ['health'] } }, async (_req, reply) => {
      let reason = readiness.isReady() ? '' : readiness.reason();
      // Ready also means the database answers: during an outage a load balancer should look elsewhere.
      if (reason === '') {
        const db = await pingDatabase(app, READY_PING_MS);
        if (db.ok) return { status: 'ready' };
        reason = `the database is unavailable (${db.error})`;
      }
      return reply
        .code(503)
        .header('retry-after', String(DB_RETRY_AFTER_SECONDS))
        .send({ error: { code: 'SERVICE_UNAVAILABLE', message: `not ready: ${reason}`, status: 503 } });
    });

    server.get(
      '/health/detailed',
      { config: { access: 'read', rateLimit: false }, schema: { tags: ['health'] } },
      async (_req, reply) => {
        const database = { dialect: app.store.dialect, ...(await pingDatabase(app)) };
        if (!database.ok) {
          return reply.code(503).send({ status: 'error', version, uptime: uptime(), database });
        }
        const [sources, workers, queue, state] = await Promise.all([
          sourceStatuses(app),
          workerSummary(app.store.db),
          queueStats(app.store.db),
          queueState(app),
        ]);
        const registryOk = sources.every((s) => s.lastError === null);
        return {
          status: registryOk && readiness.isReady() ? 'ok' : 'degraded',
          version,
          uptime: uptime(),
          ready: readiness.isReady(),
          database,
          registry: sources.map((s) => ({
            name: s.name,
            kind: s.kind,
            uri: s.uri,
            tasks: s.tasks,
            available: s.available,
            lastSyncedAt: s.lastSyncedAt,
            lastError: s.lastError,
          })),
          workers,
          queue: {
            paused: state.paused,
            depth: queue.byStatus,
            oldestQueuedAgeSeconds: queue.oldestQueuedAgeSeconds,
          },
        };
      },
    );
  },
);

// `health` and `server status` in local mode: the fields of GET /health/detailed that do not
// depend on a running server (database, registry, workers, queue with its pause switch).
import type { RatchetApp } from '../app.ts';
import { pingDatabase } from '../services/health.ts';
import { queueState } from '../services/queue-control.ts';
import { queueStats, workerSummary } from '../services/queue-stats.ts';
import { sourceStatuses } from '../services/registry-service.ts';
import { ratchetVersion } from '../version.ts';

export async function localHealth(app: RatchetApp): Promise<Record<string, unknown>> {
  const database = { dialect: app.store.dialect, ...(await pingDatabase(app)) };
  if (!database.ok) return { status: 'error', version: ratchetVersion(), database };
  const [sources, workers, queue, state] = await Promise.all([
    sourceStatuses(app),
    workerSummary(app.store.db),
    queueStats(app.store.db),
    queueState(app),
  ]);
  const registry = sources.map(({ name, kind, uri, tasks, available, lastSyncedAt, lastError }) => ({
    name,
    kind,
    uri,
    tasks,
    available,
    lastSyncedAt,
    lastError,
  }));
  return {
    status: registry.every((s) => s.lastError === null) ? 'ok' : 'degraded',
    version: ratchetVersion(),
    database,
    registry,
    workers,
    queue: {
      paused: state.paused,
      depth: queue.byStatus,
      oldestQueuedAgeSeconds: queue.oldestQueuedAgeSeconds,
    },
  };
}

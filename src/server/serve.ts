// `ratchet serve` as a function: open the store (migrating), listen, sync the registry (then /ready
// turns 200), watch sources, run embedded workers, the scheduler and output delivery; close()
// undoes it all in the safe order. Tests start servers through this too (port 0).
import { processAnnounce, processLog } from '../process-log.ts';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { createRatchet, type RatchetApp } from '../app.ts';
import type { RatchetConfig } from '../config/schema.ts';
import type { SourceSyncResult } from '../services/registry-service.ts';
import type { WorkerNode } from '../workers/worker-process.ts';
import { buildServer, type BuildServerOptions } from './build.ts';
import { createReadiness, type Readiness } from './health.ts';
import { startIdleHeapTrim } from './idle-trim.ts';
import { noteListeningPort } from '../http/own-ports.ts';

export interface ServeOverrides {
  host?: string;
  port?: number;
  /** Passed to Fastify (false: silent, for tests). */
  logger?: BuildServerOptions['logger'];
  /** Where start-up and shutdown messages go; default stderr. */
  say?: (line: string) => void;
  /** Locates the implicit ./tasks source; default the working directory. */
  cwd?: string;
  /** Extra route plugins (tests). */
  plugins?: BuildServerOptions['plugins'];
}

export interface RunningServer {
  app: RatchetApp;
  server: FastifyInstance;
  /** e.g. http://127.0.0.1:8080 (the real port when 0 was asked for). */
  url: string;
  port: number;
  readiness: Readiness;
  /** Resolves when start-up work (registry sync, workers, scheduler) is done. */
  started: Promise<void>;
  workers?: WorkerNode;
  /** Graceful: stop accepting, finish in-flight requests, drain workers, close the store. */
  close(): Promise<void>;
}

function readTls(config: RatchetConfig): { key: Buffer; cert: Buffer } | undefined {
  const { cert, key } = config.server.tls;
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined)
    throw new Error('server.tls needs both cert and key (PEM file paths) to serve HTTPS');
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(`cannot read server.tls.${what} ${file}: ${(err as Error).message}`, { cause: err });
    }
  };
  return { cert: read(cert, 'cert'), key: read(key, 'key') };
}

function describeSync(r: SourceSyncResult): string {
  if (r.error !== undefined) return `registry source ${r.source}: ${r.error}`;
  const rep = r.report;
  if (!rep) return `registry source ${r.source}: synced`;
  const failed = rep.failed.length > 0 ? `, ${rep.failed.length} failed to load` : '';
  return `registry source ${r.source}: synced${failed}`;
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startServer(
  config: RatchetConfig,
  overrides: ServeOverrides = {},
): Promise<RunningServer> {
  const host = overrides.host ?? config.server.bind_address;
  const port = overrides.port ?? config.server.port;
  const say = overrides.say ?? processLog(config.logging);
  const https = readTls(config);
  const app = await createRatchet(config);
  const readiness = createReadiness(false, 'syncing registry sources');
  let server: FastifyInstance;
  try {
    server = await buildServer(app, {
      logger: overrides.logger,
      readiness,
      bindAddress: host,
      https,
      plugins: overrides.plugins,
    });
    // The URL is told once, on the start-up line below (stderr); the request log on stdout only
    // notes that the listener is up.
    await server.listen({ host, port, listenTextResolver: () => 'server listening' });
  } catch (err) {
    await app.close();
    throw err;
  }
  const address = server.server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  // Before any executor thread starts: tasks must not reach this server's own port.
  noteListeningPort(app.listeningPorts, actualPort);
  const url = `${https ? 'https' : 'http'}://${hostForUrl(host)}:${actualPort}`;

  let trim: { stop(): void } | undefined;
  const running: RunningServer = {
    app,
    server,
    url,
    port: actualPort,
    readiness,
    started: Promise.resolve(),
    close: async () => undefined,
  };

  const startUp = async (): Promise<void> => {
    const { embedded } = config.server.workers;
    const bg = await app.start({
      say,
      registry: {
        cwd: overrides.cwd,
        onSync: (r) => say(describeSync(r)),
      },
      workers: embedded ? {} : undefined,
      scheduler: true,
    });
    running.workers = bg.workers;
    if (bg.workers) {
      const onDemand = config.server.workers.idle_thread_seconds > 0 ? ', started on demand' : '';
      say(`embedded worker ${bg.workers.id}: ${bg.workers.pool.size} executor thread(s)${onDemand}`);
    }
    readiness.markReady();
    // Start-up grew the young generation to its maximum; give it back once the server idles.
    trim = startIdleHeapTrim();
  };
  running.started = startUp().catch((err: unknown) => {
    readiness.markNotReady(`start-up failed: ${(err as Error).message}`);
    say(`error: start-up failed: ${(err as Error).message}`);
    throw err;
  });
  // The caller may not await `started`; a failure is reported above and /ready stays 503.
  running.started.catch(() => undefined);
  // Told even when logging.level is above info: scripts (and people) read the real port here.
  const announce = overrides.say ?? processAnnounce(config.logging);
  announce(`ratchet serving on ${url} (database ${app.store.url}; API docs at /docs)`);

  let closing: Promise<void> | undefined;
  running.close = () => {
    closing ??= (async () => {
      readiness.markNotReady('shutting down');
      await running.started.catch(() => undefined);
      // Stop accepting; in-flight requests finish, idle keep-alive sockets are closed.
      await server.close();
      trim?.stop();
      await app.close();
    })();
    return closing;
  };
  return running;
}

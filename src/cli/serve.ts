// `ratchet serve`: the REST API, docs, health and metrics, with embedded workers, the scheduler and
// registry watching (src/server/serve.ts). Runs until SIGTERM/SIGINT, then shuts down gracefully
// (stop accepting, finish in-flight requests, drain workers within the grace period) and exits 0.
import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { RatchetConfig } from '../config/schema.ts';
import { startServer } from '../server/serve.ts';
import { UsageError } from './errors.ts';
import { configFileOption, loadCliConfig } from './load-config.ts';
import { hostname } from 'node:os';
import { parseNonNegativeInt } from './duration.ts';
import { CliExit } from './errors.ts';
import { listenForStop } from './stop-signal.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP API server (REST, docs, health, metrics) with embedded workers')
    .option('--host <address>', 'address to listen on (default server.bind_address, 127.0.0.1)')
    .option('--port <port>', 'port to listen on (default server.port, 8080; 0 picks a free port)')
    .option(
      '--tasks <dir>',
      'serve the task folders in DIR instead of registry.sources (./tasks); repeatable',
      (dir: string, dirs: string[] = []) => [...dirs, dir],
    )
    .action(async (flags: { host?: string; port?: string; tasks?: string[] }, cmd: Command) => {
      const stopSignal = listenForStop();
      const config = withTaskFolders(await loadCliConfig(cmd), flags.tasks);
      let port: number | undefined;
      if (flags.port !== undefined) {
        port = parseNonNegativeInt(flags.port, '--port');
        if (port > 65535) throw new UsageError(`--port ${port}: expected 0–65535`);
      }
      let running;
      try {
        running = await startServer(config, { host: flags.host, port });
      } catch (err) {
        stopSignal.dispose();
        process.stderr.write(`error: cannot start the server: ${(err as Error).message}\n`);
        throw new CliExit(1);
      }
      // The URL is told once, on stderr with the other start-up lines ("ratchet serving on URL"),
      // so stdout carries nothing but the request log (JSON lines with logging.format json).
      const count = config.server.workers.processes;
      const workers =
        count > 0
          ? (await import('../server/worker-processes.ts')).startWorkerProcesses(running.app, {
              count,
              configFile: configFileOption(cmd),
              idPrefix: `${hostname()}-${process.pid}`,
            })
          : undefined;
      if (workers)
        process.stderr.write(
          `supervising ${count} worker process(es); their logs: .runcept/logs/worker-N.log\n`,
        );
      const signal = await stopSignal.received;

      process.stderr.write(`${signal} received: shutting down\n`);
      try {
        // Worker processes drain first (their jobs finish or go back to the queue).
        await workers?.stop();
        await running.close();
      } catch (err) {
        process.stderr.write(`error during shutdown: ${(err as Error).message}\n`);
        process.exitCode = 1;
      }
      process.stderr.write('server stopped\n');
    });
}

/** `--tasks DIR…`: folder sources named after their folders, in place of the configured ones. */
function withTaskFolders(config: RatchetConfig, dirs: string[] | undefined): RatchetConfig {
  if (dirs === undefined) return config;
  const sources = dirs.map((dir) => {
    const path = resolve(dir);
    if (!existsSync(path) || !statSync(path).isDirectory())
      throw new UsageError(`--tasks ${dir}: no such folder`);
    return { name: basename(path), uri: path, config: { watch: false } };
  });
  const names = sources.map((s) => s.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined)
    throw new UsageError(`--tasks: two folders are named "${twice}"; give each a different name`);
  return { ...config, registry: { ...config.registry, sources } };
}

// What an MCP process runs besides the protocol (`ratchet mcp-serve`, `ratchet mcp`): the store,
// the registry (./tasks and configured sources, synced then watched), embedded workers for jobs
// (unless server.workers.embedded is false) and the scheduler — the same background work as
// `ratchet serve`, so jobs and schedules created through MCP actually run. Every message goes to
// `say` (stderr), never stdout, which belongs to the stdio protocol.
import { createRatchet, type Ratchet } from '../../app.ts';
import type { RatchetConfig } from '../../config/schema.ts';
import { drainJobFinished } from '../../queue/events.ts';
import { startScheduler, type SchedulerHandle } from '../../scheduler/scheduler.ts';
import { closeDirectExecution } from '../../services/direct-execution.ts';
import { endAppThreads } from '../../services/app-threads.ts';
import { startRefreshTimers, startWatching, syncAllSources } from '../../services/registry-service.ts';
import { startWorkerNode, type WorkerNode } from '../../workers/worker-process.ts';
import { drainMcpTaskRuns } from './task-runner.ts';

export interface McpRuntime {
  app: Ratchet;
  workers?: WorkerNode;
  close(): Promise<void>;
}

export interface McpRuntimeOptions {
  say?: (line: string) => void;
  cwd?: string;
}

export async function startMcpRuntime(
  config: RatchetConfig,
  opts: McpRuntimeOptions = {},
): Promise<McpRuntime> {
  const say = opts.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  const app = await createRatchet(config);
  let stopWatching: (() => Promise<void>) | undefined;
  let stopTimers: (() => void) | undefined;
  let scheduler: SchedulerHandle | undefined;
  let workers: WorkerNode | undefined;
  const close = async (): Promise<void> => {
    await scheduler?.stop();
    await stopWatching?.();
    stopTimers?.();
    if (workers) await workers.stop(config.server.workers.shutdown_grace_seconds * 1000);
    await drainJobFinished(app, 5000);
    await drainMcpTaskRuns(5000);
    endAppThreads(app);
    await closeDirectExecution(app);
    await app.close();
  };
  try {
    for (const r of await syncAllSources(app, { cwd: opts.cwd })) {
      if (r.error !== undefined) say(`registry source ${r.source}: ${r.error}`);
      else if (r.report && r.report.failed.length > 0) {
        say(`registry source ${r.source}: ${r.report.failed.length} task(s) failed to load`);
      }
    }
    stopWatching = await startWatching(
      app,
      (e) => {
        if (e.type === 'error') say(`registry source ${e.source}: ${e.message}`);
      },
      { cwd: opts.cwd, log: say },
    );
    stopTimers = startRefreshTimers(
      app,
      (r) => r.error !== undefined && say(`registry source ${r.source}: ${r.error}`),
      {
        cwd: opts.cwd,
      },
    );
    if (config.server.workers.embedded)
      workers = await startWorkerNode(app, { log: (m) => say(`worker: ${m}`) });
    scheduler = startScheduler(app, {
      onError: (err) => say(`scheduler: ${err instanceof Error ? err.message : String(err)}`),
    });
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
  return { app, workers, close };
}

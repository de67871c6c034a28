// What an MCP process runs besides the protocol (`ratchet mcp-serve`, `ratchet mcp`): the store,
// the registry (./tasks and configured sources, synced then watched), embedded workers for jobs
// (unless server.workers.embedded is false) and the scheduler — the same background work as
// `ratchet serve`, so jobs and schedules created through MCP actually run. Every message goes to
// `say` (stderr), never stdout, which belongs to the stdio protocol.
import { processLog } from '../../process-log.ts';
import { createRatchet, type RatchetApp } from '../../app.ts';
import type { RatchetConfig } from '../../config/schema.ts';
import type { WorkerNode } from '../../workers/worker-process.ts';
import { drainMcpTaskRuns } from './task-runner.ts';
import { withProjectSource } from '../../registry/sources.ts';

export interface McpRuntime {
  app: RatchetApp;
  workers?: WorkerNode;
  close(): Promise<void>;
}

export interface McpRuntimeOptions {
  say?: (line: string) => void;
  cwd?: string;
  /** `ratchet mcp-serve`: with no task source configured, the working directory is one. */
  projectSource?: boolean;
}

export async function startMcpRuntime(
  config: RatchetConfig,
  opts: McpRuntimeOptions = {},
): Promise<McpRuntime> {
  const say = opts.say ?? processLog(config.logging);
  if (opts.projectSource) config = withProjectSource(config, opts.cwd);
  const app = await createRatchet(config);
  const close = async (): Promise<void> => {
    // Task-augmented calls finish (and store their results) before their threads are ended.
    await drainMcpTaskRuns(5000);
    await app.close();
  };
  try {
    const bg = await app.start({
      say,
      registry: {
        cwd: opts.cwd,
        onSync: (r) => {
          if (r.error !== undefined) say(`registry source ${r.source}: ${r.error}`);
          else if (r.report && r.report.failed.length > 0) {
            say(`registry source ${r.source}: ${r.report.failed.length} task(s) failed to load`);
          }
        },
      },
      workers: config.server.workers.embedded ? {} : undefined,
      scheduler: true,
    });
    return { app, workers: bg.workers, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}

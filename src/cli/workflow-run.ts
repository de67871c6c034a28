// `ratchet workflow run <folder>`: runs a workflow locally with no server, like run-once does for a
// task. The run uses the real engine on a throwaway SQLite store with an in-process worker node,
// so retries, for_each and every state change behave exactly as on a server. Tasks come from the
// configured sources (registry.sources, or ./tasks) and from the task folders beside the workflow.
import type { Command } from 'commander';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRatchet, startWorkers } from '../app.ts';
import {
  formatProblem,
  importTaskFolders,
  itemCounts,
  readWorkflowSource,
  saveWorkflow,
  startWorkflow,
  taskRootsBeside,
  waitForRun,
  WorkflowDefinitionError,
  type RunStatus,
} from '../services/workflows/index.ts';
import { syncAllSources } from '../services/registry-service.ts';
import { CliExit } from './errors.ts';
import { loadCliConfig } from './load-config.ts';
import { readTaskInput } from './task-input.ts';
import { handleServiceError } from './service-errors.ts';
import { printTable } from './list-output.ts';
import { statSync } from 'node:fs';

interface RunFlags {
  inputJson?: string;
  inputFile?: string;
  json?: boolean;
}

/** The steps as a table (stdout). */
/** "completed/total" of a for_each step's items. */
function countText(items: readonly { status: string }[]): string {
  const c = itemCounts(items);
  return `${c.completed}/${c.total}`;
}

export function printRunStatus(s: RunStatus): void {
  process.stdout.write(`run ${s.run.uuid} (${s.run.workflow}@${s.run.version}): ${s.run.status}\n`);
  printTable(
    s.steps.map((x) => ({
      step: x.name,
      task: x.task,
      status: x.status,
      attempts: x.attempts,
      items: x.items ? countText(x.items) : null,
      ms: x.durationMs,
      error: x.error ? (x.error as { message?: string }).message : null,
    })),
    ['step', 'task', 'status', 'attempts', 'items', 'ms', 'error'],
  );
}

function liveLine(s: RunStatus): string {
  const steps = s.steps.map((x) => `${x.name}:${x.status}${x.items ? `(${countText(x.items)})` : ''}`);
  return `${s.run.status}  ${steps.join('  ')}`;
}

export function registerWorkflowRun(wf: Command): void {
  wf.command('run <path>')
    .description('run a workflow folder (or file) locally, no server needed; prints the output as JSON')
    .option('--input-json <json>', 'input as JSON text')
    .option('--input-file <file>', 'input from a JSON file')
    .option('--json', 'print one result object: the run, its steps and their outputs')
    .action(async (path: string, flags: RunFlags, cmd: Command) => {
      const config = structuredClone(await loadCliConfig(cmd));
      const input = await readTaskInput(flags, config);
      const source = await readWorkflowSource(path).catch((err: unknown) => {
        if (err instanceof WorkflowDefinitionError) {
          for (const p of err.problems) process.stderr.write(`${formatProblem(p)}\n`);
          throw new CliExit(2);
        }
        throw err;
      });
      const dir = await mkdtemp(join(tmpdir(), 'ratchet-workflow-'));
      config.server.database.url = `sqlite://${join(dir, 'run.db')}`;
      const app = await createRatchet(config);
      try {
        await handleServiceError(async () => {
          for (const r of await syncAllSources(app))
            if (r.error) process.stderr.write(`source ${r.source}: ${r.error}\n`);
          await importTaskFolders(app, taskRootsBeside(path, statSync(path).isDirectory()));
          const saved = await saveWorkflow(app, source).catch((err: unknown) => {
            if (err instanceof WorkflowDefinitionError) {
              for (const p of err.problems) process.stderr.write(`${formatProblem(p)}\n`);
              throw new CliExit(2);
            }
            throw err;
          });
          const node = await startWorkers(app, { log: () => {} });
          let done: RunStatus;
          try {
            const run = await startWorkflow(app, {
              workflow: saved.version.name,
              version: saved.version.version,
              input,
              actor: 'cli',
            });
            const live = process.stderr.isTTY && !flags.json;
            done = await waitForRun(app, run.uuid, {
              onChange: live ? (s) => process.stderr.write(`\r\x1b[K${liveLine(s)}`) : undefined,
            });
            if (live) process.stderr.write('\n');
          } finally {
            await node.stop(1000);
          }
          const ok = done.run.status === 'COMPLETED' || done.run.status === 'RESOLVED_MANUALLY';
          if (flags.json)
            process.stdout.write(
              `${JSON.stringify({ status: done.run.status, output: done.run.output, error: done.run.error, steps: done.steps }, null, 2)}\n`,
            );
          else if (ok) process.stdout.write(`${JSON.stringify(done.run.output, null, 2)}\n`);
          else {
            const err = done.run.error as { message?: string } | null;
            process.stderr.write(`workflow ${done.run.status}: ${err?.message ?? 'no error recorded'}\n`);
          }
          if (!ok) throw new CliExit(1);
        });
      } finally {
        await app.close();
        await rm(dir, { recursive: true, force: true });
      }
    });
}

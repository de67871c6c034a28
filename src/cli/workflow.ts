// `ratchet workflow validate|list|show|start|status|cancel|retry|resolve|graph` against the
// configured store (workers run the steps: `ratchet worker` or `ratchet serve`), and `run`, which
// runs a workflow folder locally with no server (workflow-run.ts).
import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import {
  cancelWorkflowRun,
  checkWorkflowText,
  formatProblem,
  getRun,
  getWorkflow,
  listRuns,
  listWorkflowDefinitions,
  readWorkflowSource,
  resolveWorkflowStep,
  retryWorkflowStep,
  runGraph,
  runStatus,
  runTransitions,
  saveWorkflow,
  startWorkflow,
  taskCheckWithFolders,
  taskRootsBeside,
  waitForRun,
  type RunStatus,
} from '../services/workflows/index.ts';
import { drawGraph, type GraphFormat } from '../workflows/graph.ts';
import { NotFoundError } from '../store/codec.ts';
import { CliExit, UsageError } from './errors.ts';
import { destinationsFlag } from './destinations-flag.ts';
import { withApp } from './with-app.ts';
import { loadCliConfig } from './load-config.ts';
import { readTaskInput } from './task-input.ts';
import { parseNonNegativeInt } from './duration.ts';
import { printTable } from './list-output.ts';
import { registerWorkflowRun, printRunStatus } from './workflow-run.ts';

const json = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

function graphFormat(format: string | undefined): GraphFormat {
  if (format === undefined || format === 'mermaid') return 'mermaid';
  if (format === 'dot') return 'dot';
  throw new UsageError(`--format ${JSON.stringify(format)}: expected mermaid or dot`);
}

function statusOut(s: RunStatus, asJson: boolean | undefined): void {
  if (asJson) json(s);
  else printRunStatus(s);
}

export function registerWorkflow(program: Command): void {
  const wf = program
    .command('workflow')
    .description('workflows: DAGs of tasks run on the queue (docs/workflows.md)');
  wf.command('validate <path>')
    .description(
      'check a workflow file or folder: format, graph, expressions and tasks (in the store or beside it)',
    )
    .option('--json', 'print { valid, problems } as JSON')
    .action((path: string, flags: { json?: boolean }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const source = await readWorkflowSource(path);
        const roots = taskRootsBeside(path, statSync(path).isDirectory());
        const { problems } = await checkWorkflowText(source, await taskCheckWithFolders(app, roots));
        if (flags.json) json({ valid: problems.length === 0, problems });
        else if (problems.length === 0) process.stdout.write(`${source.file}: valid\n`);
        else for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
        if (problems.length > 0) throw new CliExit(1);
      }),
    );
  wf.command('list')
    .description('list stored workflows, or runs with --runs')
    .option('--runs', 'list runs (newest first) instead of workflows')
    .option('--status <list>', 'with --runs: only these statuses (comma-separated)')
    .option('--workflow <name>', 'with --runs: only runs of this workflow')
    .option('--limit <n>', 'at most this many rows (default 25, max 1000)')
    .option('--json', 'print a JSON array')
    .action(
      (
        flags: { runs?: boolean; status?: string; workflow?: string; limit?: string; json?: boolean },
        cmd: Command,
      ) =>
        withApp(cmd, async (app) => {
          const limit = flags.limit === undefined ? undefined : parseNonNegativeInt(flags.limit, '--limit');
          if (!flags.runs) {
            const { rows } = await listWorkflowDefinitions(app, {
              ...(limit !== undefined ? { limit } : {}),
            });
            if (flags.json) json(rows);
            else
              printTable(rows as unknown as Record<string, unknown>[], [
                'name',
                'latestVersion',
                'description',
                'updatedAt',
              ]);
            return;
          }
          const filters = [
            ...(flags.status ? [{ field: 'status', op: 'in' as const, value: flags.status }] : []),
            ...(flags.workflow ? [{ field: 'workflow', op: 'eq' as const, value: flags.workflow }] : []),
          ];
          const { rows } = await listRuns(app, { filters, ...(limit !== undefined ? { limit } : {}) });
          if (flags.json) json(rows);
          else
            printTable(rows as unknown as Record<string, unknown>[], [
              'uuid',
              'workflow',
              'version',
              'status',
              'createdAt',
              'finishedAt',
            ]);
        }),
    );
  wf.command('show <name>')
    .description('show a stored workflow version (default: the latest) as JSON')
    .option('--version <version>', 'this version')
    .action((name: string, flags: { version?: string }, cmd: Command) =>
      withApp(cmd, async (app) => {
        json(await getWorkflow(app, name, flags.version));
      }),
    );
  wf.command('start <workflow>')
    .description(
      'start a run of a stored workflow (name), or store a workflow file/folder and start it; prints the run id',
    )
    .option('--version <version>', 'run this version (default: the latest)')
    .option('--input-json <json>', 'input as JSON text')
    .option('--input-file <file>', 'input from a JSON file')
    .option('--idempotency-key <key>', 'the same key returns the same run instead of a new one')
    .option(
      '--destinations-json <json>',
      "where the run's result goes when it ends, a JSON array of output destinations (docs/workflows.md)",
    )
    .option('--wait', 'wait until the run ends and print its status (exit 1 unless it completed)')
    .option('--json', 'print the run as JSON')
    .action(
      async (
        ref: string,
        flags: {
          version?: string;
          inputJson?: string;
          inputFile?: string;
          idempotencyKey?: string;
          destinationsJson?: string;
          wait?: boolean;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        const input = await readTaskInput(flags, await loadCliConfig(cmd));
        const outputDestinations = destinationsFlag(flags.destinationsJson);
        await withApp(cmd, async (app) => {
          let name = ref;
          let version = flags.version;
          if (existsSync(ref)) {
            const saved = await saveWorkflow(app, await readWorkflowSource(ref));
            name = saved.version.name;
            version = saved.version.version;
          }
          const run = await startWorkflow(app, {
            workflow: name,
            version,
            input,
            idempotencyKey: flags.idempotencyKey ?? null,
            actor: 'cli',
            outputDestinations,
          });
          if (!run.created)
            process.stderr.write(
              `run ${run.uuid} already exists with idempotency key ${flags.idempotencyKey}\n`,
            );
          if (!flags.wait) {
            if (flags.json) json(run);
            else process.stdout.write(`${run.uuid}\n`);
            return;
          }
          const done = await waitForRun(app, run.uuid, { pollMs: 100 });
          statusOut(done, flags.json);
          if (done.run.status !== 'COMPLETED' && done.run.status !== 'RESOLVED_MANUALLY')
            throw new CliExit(1);
        });
      },
    );
  wf.command('status <run>')
    .description('a run (id or UUID): each step with its state, attempts and timings')
    .option('--json', 'print the run and its steps (outputs and errors included) as JSON')
    .option('--transitions', 'with --json: add the history of state changes')
    .action((ref: string, flags: { json?: boolean; transitions?: boolean }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const s = await runStatus(app, ref);
        if (flags.json && flags.transitions) {
          json({ ...s, transitions: await runTransitions(app, ref) });
        } else statusOut(s, flags.json);
      }),
    );
  wf.command('cancel <run>')
    .description('cancel a run: queued steps never start, running ones are stopped')
    .option('--json', 'print the run status as JSON')
    .action((ref: string, flags: { json?: boolean }, cmd: Command) =>
      withApp(cmd, async (app) => statusOut(await cancelWorkflowRun(app, ref, 'cli'), flags.json)),
    );
  wf.command('retry <run> <step>')
    .description('run a FAILED step again (its dependents follow); the run resumes')
    .option('--json', 'print the run status as JSON')
    .action((ref: string, step: string, flags: { json?: boolean }, cmd: Command) =>
      withApp(cmd, async (app) => statusOut(await retryWorkflowStep(app, ref, step, 'cli'), flags.json)),
    );
  wf.command('resolve <run> <step>')
    .description(
      'mark a step (FAILED, PENDING or WAITING_FOR_RETRY) done by hand with an output; its dependents run',
    )
    .option('--output-json <json>', 'the step output its dependents see (default null)')
    .option('--json', 'print the run status as JSON')
    .action((ref: string, step: string, flags: { outputJson?: string; json?: boolean }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const output =
          flags.outputJson === undefined
            ? null
            : await readTaskInput({ inputJson: flags.outputJson }).catch(() => {
                throw new UsageError(`--output-json: not valid JSON`);
              });
        statusOut(await resolveWorkflowStep(app, ref, step, output, 'cli'), flags.json);
      }),
    );
  wf.command('graph <workflow>')
    .description(
      'draw a workflow (file, folder or stored name) or a run (id or UUID, with states) as Mermaid or dot',
    )
    .option('--format <format>', 'mermaid (default) or dot')
    .option('--version <version>', 'a stored workflow: this version')
    .action(async (ref: string, flags: { format?: string; version?: string }, cmd: Command) => {
      const format = graphFormat(flags.format);
      if (existsSync(ref)) {
        const source = await readWorkflowSource(ref);
        const { definition, problems } = await checkWorkflowText(source);
        if (!definition || problems.length > 0) {
          for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
          throw new CliExit(1);
        }
        process.stdout.write(drawGraph(definition, format));
        return;
      }
      await withApp(cmd, async (app) => {
        const run = await getRun(app, ref).catch((err: unknown) =>
          err instanceof NotFoundError ? undefined : Promise.reject(err),
        );
        if (run) {
          process.stdout.write(await runGraph(app, run.uuid, format));
          return;
        }
        const version = await getWorkflow(app, ref, flags.version);
        process.stdout.write(drawGraph(version.definition as Parameters<typeof drawGraph>[0], format));
      });
    });
  registerWorkflowRun(wf);
}

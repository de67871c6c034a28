// `ratchet job enqueue|list|show|cancel|retry`: the job queue against the configured store (no
// server needed). Workers (`ratchet worker`, or `ratchet serve`) run what is enqueued here.
import type { Command } from 'commander';
import {
  cancelJob,
  enqueueJob,
  findJobs,
  getJobRecord,
  parsePriority,
  retryJob,
  waitForJob,
} from '../services/jobs/index.ts';
import { lastExecutionOf } from '../services/executions.ts';
import { priorityName, type JobRecord } from '../store/repos/jobs.ts';
import { CliExit, UsageError } from './errors.ts';
import { withApp } from './with-app.ts';
import { enqueueJsonLines, isJsonLinesFile } from './job-enqueue-many.ts';
import { loadCliConfig } from './load-config.ts';
import { readTaskInput } from './task-input.ts';
import { parseDuration, parseNonNegativeInt } from './duration.ts';
import { addListOptions, listOptions, printTable, type ListFlags } from './list-output.ts';
import { handleServiceError } from './service-errors.ts';
import { taskNames } from '../services/task-ref.ts';

interface EnqueueFlags {
  version?: string;
  inputJson?: string;
  inputFile?: string;
  priority?: string;
  delay?: string;
  runAt?: string;
  maxRetries?: string;
  timeout?: string;
  idempotencyKey?: string;
  wait?: boolean;
  json?: boolean;
  partial?: boolean;
}

/** How long `--wait` waits before saying that no worker seems to be running. */
const NO_WORKER_HINT_MS = 5000;

function jobRow(j: JobRecord, names: Map<number, string>): Record<string, unknown> {
  return {
    id: j.id,
    status: j.status,
    task: names.get(j.taskId) ?? j.taskId,
    priority: priorityName(j.priority),
    attempts: `${j.attempts}/${j.maxRetries + 1}`,
    created: j.createdAt,
    finished: j.finishedAt,
  };
}

async function enqueue(cmd: Command, task: string, flags: EnqueueFlags): Promise<void> {
  const jsonLines = flags.inputFile !== undefined && isJsonLinesFile(flags.inputFile);
  if (jsonLines && (flags.wait || flags.idempotencyKey !== undefined || flags.inputJson !== undefined)) {
    throw new UsageError(
      '--input-file with a .jsonl file queues one job per line: --wait, --idempotency-key and --input-json do not apply',
    );
  }
  if (flags.partial && !jsonLines) throw new UsageError('--partial applies to a .jsonl --input-file only');
  const input = jsonLines ? undefined : await readTaskInput(flags, await loadCliConfig(cmd));
  if (flags.delay !== undefined && flags.runAt !== undefined)
    throw new UsageError('give either --delay or --run-at, not both');
  let runAt: Date | undefined;
  if (flags.runAt !== undefined) {
    runAt = new Date(flags.runAt);
    if (!Number.isFinite(runAt.getTime()))
      throw new UsageError(`--run-at ${JSON.stringify(flags.runAt)}: expected an ISO-8601 time`);
  }
  let priority: number | undefined;
  try {
    priority = flags.priority === undefined ? undefined : parsePriority(flags.priority);
  } catch {
    throw new UsageError(
      `--priority ${JSON.stringify(flags.priority)}: expected LOW, NORMAL, HIGH, CRITICAL or an integer`,
    );
  }
  const delayMs = flags.delay === undefined ? undefined : parseDuration(flags.delay, '--delay');
  const maxRetries =
    flags.maxRetries === undefined ? undefined : parseNonNegativeInt(flags.maxRetries, '--max-retries');
  const timeoutMs = flags.timeout === undefined ? undefined : parseDuration(flags.timeout, '--timeout');
  if (jsonLines) {
    const shared = { version: flags.version, priority, runAt, delayMs, maxRetries, timeoutMs };
    return enqueueJsonLines(cmd, task, flags.inputFile!, {
      ...shared,
      partial: flags.partial,
      json: flags.json,
    });
  }
  await withApp(cmd, (app) =>
    handleServiceError(async () => {
      const { job, created } = await enqueueJob(app, {
        task,
        version: flags.version,
        input,
        priority,
        runAt,
        delayMs,
        maxRetries,
        timeoutMs,
        idempotencyKey: flags.idempotencyKey,
      });
      if (!created)
        process.stderr.write(`job ${job.id} already exists with idempotency key ${flags.idempotencyKey}\n`);
      if (!flags.wait) {
        process.stdout.write(flags.json ? `${JSON.stringify(job, null, 2)}\n` : `${job.id}\n`);
        return;
      }
      let hinted = false;
      const done = await waitForJob(app, job.id, {
        onWaiting: (j, waited) => {
          if (!hinted && waited > NO_WORKER_HINT_MS && (j.status === 'QUEUED' || j.status === 'RETRYING')) {
            hinted = true;
            process.stderr.write(
              `job ${j.id} is still ${j.status}: is a worker running? (start one with \`ratchet worker\`)\n`,
            );
          }
        },
      });
      const execution = await lastExecutionOf(app, done.id);
      if (flags.json) {
        process.stdout.write(
          `${JSON.stringify({ job: done, output: execution?.output ?? null }, null, 2)}\n`,
        );
      } else if (done.status === 'COMPLETED') {
        process.stdout.write(`${JSON.stringify(execution?.output ?? null, null, 2)}\n`);
      } else {
        const err = (execution?.error ?? done.lastError) as { type?: string; message?: string } | null;
        process.stderr.write(
          `job ${done.id} ${done.status}: ${err?.type ?? 'Error'}: ${err?.message ?? 'no error recorded'}\n`,
        );
      }
      if (done.status !== 'COMPLETED') throw new CliExit(1);
    }),
  );
}

export function registerJob(program: Command): void {
  const job = program.command('job').description('enqueue, inspect, cancel and retry jobs');
  job
    .command('enqueue <task>')
    .description('queue a run of a task (id, UUID or name); prints the job id')
    .option('--version <version>', 'run this version (default: the latest when the job runs)')
    .option('--input-json <json>', 'input as JSON text')
    .option(
      '--input-file <file>',
      'input from a JSON file; a .jsonl (or .ndjson) file queues one job per line, in one transaction',
    )
    .option(
      '--partial',
      'with a .jsonl file: queue the valid lines and report the others (default: all or none)',
    )
    .option('--priority <p>', 'LOW, NORMAL (default), HIGH, CRITICAL or an integer')
    .option('--delay <duration>', 'start no earlier than this from now (30s, 5m, …)')
    .option('--run-at <time>', 'start no earlier than this ISO-8601 time')
    .option('--max-retries <n>', 'retries after the first attempt')
    .option('--timeout <duration>', 'time limit of each attempt (500ms, 30s, …)')
    .option('--idempotency-key <key>', 'the same key returns the same job instead of a new one')
    .option('--wait', 'wait until the job finishes and print its output (exit 1 unless COMPLETED)')
    .option('--json', 'print the job as JSON')
    .action((task: string, flags: EnqueueFlags, cmd: Command) => enqueue(cmd, task, flags));
  addListOptions(job.command('list').description('list jobs, newest first')).action(
    (flags: ListFlags, cmd: Command) =>
      withApp(cmd, (app) =>
        handleServiceError(async () => {
          const rows = await findJobs(app, listOptions(flags));
          if (flags.json) {
            process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
            return;
          }
          const names = await taskNames(
            app,
            rows.map((j) => j.taskId),
          );
          printTable(
            rows.map((j) => jobRow(j, names)),
            ['id', 'status', 'task', 'priority', 'attempts', 'created', 'finished'],
          );
        }),
      ),
  );
  job
    .command('show <id>')
    .description('show a job (numeric id or UUID) as JSON')
    .action((id: string, _flags: unknown, cmd: Command) =>
      withApp(cmd, (app) =>
        handleServiceError(async () => {
          process.stdout.write(`${JSON.stringify(await getJobRecord(app, id), null, 2)}\n`);
        }),
      ),
    );
  job
    .command('cancel <id>')
    .description('cancel a job: a queued one never starts, a running one is stopped')
    .option('--json', 'print the job as JSON')
    .action((id: string, flags: { json?: boolean }, cmd: Command) =>
      withApp(cmd, (app) =>
        handleServiceError(async () => {
          const out = await cancelJob(app, id);
          if (flags.json) process.stdout.write(`${JSON.stringify(out.job, null, 2)}\n`);
          else
            process.stdout.write(
              out.stopping
                ? `job ${out.job.id} is running; its worker stops it\n`
                : `job ${out.job.id} cancelled\n`,
            );
        }),
      ),
    );
  job
    .command('retry <id>')
    .description('requeue a FAILED (dead-lettered) or CANCELLED job with a fresh retry budget')
    .option('--json', 'print the job as JSON')
    .action((id: string, flags: { json?: boolean }, cmd: Command) =>
      withApp(cmd, (app) =>
        handleServiceError(async () => {
          const j = await retryJob(app, id);
          process.stdout.write(flags.json ? `${JSON.stringify(j, null, 2)}\n` : `job ${j.id} queued again\n`);
        }),
      ),
    );
}

// `ratchet schedule create|list|trigger|enable|disable|delete`: cron schedules of a task or a
// workflow in the configured store, no server needed (a running server's scheduler picks changes up within its interval).
import type { Command } from 'commander';
import type { Ratchet } from '../app.ts';
import type { ScheduleRecord } from '../services/schedules.ts';
import { scheduleTargetName } from '../services/scheduling/target.ts';
import {
  createSchedule,
  deleteSchedule,
  disableSchedule,
  enableSchedule,
  listSchedules,
  triggerSchedule,
} from '../services/schedules.ts';
import { destinationsFlag } from './destinations-flag.ts';
import { UsageError } from './errors.ts';
import { readTaskInput } from './task-input.ts';
import { withApp } from './with-app.ts';

function out(text: string): void {
  process.stdout.write(text);
}

function positiveInt(flag: string) {
  return (value: string): number => {
    if (!/^[0-9]+$/.test(value) || Number(value) < 1) {
      throw new UsageError(`${flag} must be a whole number ≥ 1, not "${value}"`);
    }
    return Number(value);
  };
}

/** Service validation errors are the user's to fix: exit 2 with every violation listed. */
async function run<T>(cmd: Command, fn: (app: Ratchet) => Promise<T>): Promise<T> {
  return withApp(cmd, async (app) => {
    try {
      return await fn(app);
    } catch (err) {
      if ((err as Error).name === 'ValidationError') throw new UsageError((err as Error).message);
      throw err;
    }
  });
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

async function describe(app: Ratchet, s: ScheduleRecord): Promise<string> {
  const runs = s.maxRuns === null ? `${s.runCount}` : `${s.runCount}/${s.maxRuns}`;
  return (
    `schedule ${s.id} "${s.name}": ${await scheduleTargetName(app, s)}, cron "${s.cronExpression}" ${s.timezone ?? 'UTC'}, ` +
    `${s.enabled ? 'enabled' : 'disabled'}, next run ${s.nextRunAt ?? 'none'}, runs ${runs}\n`
  );
}

interface CreateOpts {
  task?: string;
  workflow?: string;
  cron: string;
  name?: string;
  description?: string;
  timezone?: string;
  inputJson?: string;
  inputFile?: string;
  maxRuns?: number;
  missed?: string;
  disabled?: boolean;
  destinationsJson?: string;
  json?: boolean;
}

function registerCreate(schedule: Command): void {
  schedule
    .command('create')
    .description('create a cron schedule for a task or a workflow')
    .option('--task <task>', 'the task each tick enqueues: id, UUID or name')
    .option('--workflow <name>', 'the workflow each tick starts (its latest version), instead of a task')
    .requiredOption('--cron <expression>', 'cron expression, 5 fields (minute first) or 6 (second first)')
    .option('--name <name>', 'unique name (default <task>-<random>)')
    .option('--description <text>', 'free text')
    .option('--timezone <zone>', 'IANA timezone of the expression (default UTC)')
    .option('--input-json <json>', 'input of every run, as JSON')
    .option('--input-file <file>', 'input of every run, from a JSON file')
    .option('--max-runs <n>', 'stop after this many runs', positiveInt('--max-runs'))
    .option('--missed <policy>', 'after downtime: skip (default) or run_once')
    .option('--destinations-json <json>', 'output destinations, a JSON array (see docs/schedules.md)')
    .option('--disabled', 'create it disabled')
    .option('--json', 'print the schedule as JSON')
    .action((opts: CreateOpts, cmd: Command) =>
      run(cmd, async (app) => {
        if ((opts.task === undefined) === (opts.workflow === undefined)) {
          throw new UsageError('give exactly one of --task and --workflow');
        }
        if (opts.missed !== undefined && opts.missed !== 'skip' && opts.missed !== 'run_once') {
          throw new UsageError(`--missed must be skip or run_once, not "${opts.missed}"`);
        }
        const destinations = destinationsFlag(opts.destinationsJson);
        const s = await createSchedule(app, {
          ...(opts.task !== undefined
            ? { task: /^[0-9]+$/.test(opts.task) ? Number(opts.task) : opts.task }
            : { workflow: opts.workflow! }),
          cronExpression: opts.cron,
          name: opts.name,
          description: opts.description,
          timezone: opts.timezone,
          input: await readTaskInput(opts, app.config),
          maxRuns: opts.maxRuns,
          missedRunPolicy: opts.missed,
          enabled: !opts.disabled,
          outputDestinations: destinations,
        });
        if (opts.json) return out(`${JSON.stringify(s)}\n`);
        out(`created ${await describe(app, s)}`);
      }),
    );
}

interface ListOpts {
  task?: string;
  status?: string;
  limit?: number;
  json?: boolean;
}

function registerList(schedule: Command): void {
  schedule
    .command('list')
    .description('list schedules')
    .option('--task <task>', 'only schedules of this task (id, UUID or name)')
    .option('--status <status>', 'enabled or disabled')
    .option('--limit <n>', 'at most this many (default 100)', positiveInt('--limit'))
    .option('--json', 'print a JSON array')
    .action((opts: ListOpts, cmd: Command) =>
      run(cmd, async (app) => {
        if (opts.status !== undefined && opts.status !== 'enabled' && opts.status !== 'disabled') {
          throw new UsageError(`--status must be enabled or disabled, not "${opts.status}"`);
        }
        const { rows, total } = await listSchedules(app, {
          task: opts.task,
          status: opts.status,
          limit: opts.limit ?? 100,
        });
        if (opts.json) return out(`${JSON.stringify(rows)}\n`);
        if (rows.length === 0) return out('no schedules\n');
        const targets = await Promise.all(rows.map((s) => scheduleTargetName(app, s)));
        out(
          table(
            ['ID', 'NAME', 'TARGET', 'CRON', 'TIMEZONE', 'ENABLED', 'NEXT RUN', 'RUNS'],
            rows.map((s, i) => [
              String(s.id),
              s.name,
              targets[i]!,
              s.cronExpression,
              s.timezone ?? 'UTC',
              s.enabled ? 'yes' : 'no',
              s.nextRunAt ?? '-',
              s.maxRuns === null ? String(s.runCount) : `${s.runCount}/${s.maxRuns}`,
            ]),
          ),
        );
        if (total > rows.length) out(`(${rows.length} of ${total}; use --limit to see more)\n`);
      }),
    );
}

function registerActions(schedule: Command): void {
  schedule
    .command('trigger <schedule>')
    .description('fire the schedule now: queue its job or start its workflow run (its cadence is unchanged)')
    .option('--json', 'print the job (or the workflow run) as JSON')
    .action((ref: string, opts: { json?: boolean }, cmd: Command) =>
      run(cmd, async (app) => {
        const { schedule: s, job, run: started } = await triggerSchedule(app, ref);
        if (opts.json) return out(`${JSON.stringify(job ?? started)}\n`);
        const what = job ? `queued job ${job.id} (${job.uuid})` : `started workflow run ${started!.id}`;
        out(`${what} for schedule ${s.id} "${s.name}"\n`);
      }),
    );
  const simple: [string, string, (app: Ratchet, ref: string) => Promise<ScheduleRecord>, string][] = [
    ['enable', 'enable a schedule (its next run counts from now)', enableSchedule, 'enabled'],
    ['disable', 'disable a schedule', disableSchedule, 'disabled'],
    ['delete', 'delete a schedule (its jobs stay)', deleteSchedule, 'deleted'],
  ];
  for (const [name, description, action, verb] of simple) {
    schedule
      .command(`${name} <schedule>`)
      .description(description)
      .option('--json', 'print the schedule as JSON')
      .action((ref: string, opts: { json?: boolean }, cmd: Command) =>
        run(cmd, async (app) => {
          const s = await action(app, ref);
          if (opts.json) return out(`${JSON.stringify(s)}\n`);
          out(`${verb} ${await describe(app, s)}`);
        }),
      );
  }
}

export function registerSchedule(program: Command): void {
  const schedule = program
    .command('schedule')
    .description('cron schedules: create, list, trigger, enable, disable, delete (ref: id, UUID or name)');
  registerCreate(schedule);
  registerList(schedule);
  registerActions(schedule);
}

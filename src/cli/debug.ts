// `ratchet debug TASK --input-json … --breakpoint line:N --breakpoint function:NAME [--watch EXPR]`:
// one run with breakpoint snapshots (not interactive stepping). Prints each hit in order with its
// line, call stack and values, then the run's result. Exit 0 completed, 1 the task failed, 2 usage.
import type { Command } from 'commander';
import { runtimeLimitsFromConfig } from '../runtime/settings.ts';
import { BreakpointError } from '../quality/breakpoints.ts';
import { DEFAULT_MAX_HITS, debugTask, type DebugRun } from '../quality/debug.ts';
import { CliExit, UsageError } from './errors.ts';
import { loadCliConfig } from './load-config.ts';
import { loadTaskOrExit } from './load-task.ts';
import { readTaskInput } from './task-input.ts';
import { parsePositiveInt } from './task-path.ts';

interface DebugFlags {
  inputJson?: string;
  inputFile?: string;
  breakpoint: string[];
  watch: string[];
  maxHits?: string;
  json?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerDebug(program: Command): void {
  program
    .command('debug')
    .description('run a task once and record variable values at breakpoints (snapshots, not stepping)')
    .argument('<task>', 'task folder')
    .option('--input-json <json>', 'input as JSON text')
    .option('--input-file <file>', 'input from a JSON file')
    .option('--breakpoint <where>', 'line:N or function:NAME (repeatable)', collect, [])
    .option(
      '--watch <expr>',
      'record this expression instead of the variables in scope (repeatable)',
      collect,
      [],
    )
    .option('--max-hits <n>', `stop recording after N hits (default ${DEFAULT_MAX_HITS})`)
    .option('--json', 'print the result as JSON')
    .action(async (task: string, flags: DebugFlags, cmd: Command) => {
      if (flags.breakpoint.length === 0)
        throw new UsageError('debug: give at least one --breakpoint line:N or function:NAME');
      const maxHits =
        flags.maxHits !== undefined ? parsePositiveInt(flags.maxHits, '--max-hits') : DEFAULT_MAX_HITS;
      const config = await loadCliConfig(cmd);
      const input = await readTaskInput(flags, config);
      const pkg = await loadTaskOrExit(task, flags.json === true);
      let run: DebugRun;
      try {
        run = await debugTask(pkg, {
          input,
          breakpoints: flags.breakpoint,
          watch: flags.watch,
          maxHits,
          limits: runtimeLimitsFromConfig(config),
        });
      } catch (e) {
        if (e instanceof BreakpointError) throw new UsageError(`debug: ${e.message}`);
        throw e;
      }
      if (flags.json === true) process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
      else process.stdout.write(`${formatDebug(run).join('\n')}\n`);
      if (run.status !== 'COMPLETED') throw new CliExit(1);
    });
}

function formatDebug(run: DebugRun): string[] {
  const out: string[] = [];
  for (const b of run.breakpoints) if (b.note) out.push(`note: ${b.spec}: ${b.note}`);
  run.hits.forEach((h, i) => {
    out.push(`#${i + 1} ${h.breakpoint} → main.js:${h.line}  ${h.stack.join(' ← ')}`);
    for (const [k, v] of Object.entries(h.values)) out.push(`    ${k} = ${v}`);
  });
  if (run.hits.length === 0) out.push('no breakpoint was reached');
  if (run.droppedHits > 0) out.push(`(${run.droppedHits} more hit(s) not recorded: --max-hits)`);
  if (run.status === 'COMPLETED') out.push(`completed: ${JSON.stringify(run.output)}`);
  else
    out.push(
      `failed: ${run.error!.type}: ${run.error!.message}${run.error!.location ? ` (main.js:${run.error!.location.line})` : ''}`,
    );
  return out;
}

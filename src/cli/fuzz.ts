// `ratchet fuzz TASK`: schema-valid inputs for a while, every distinct failure with the smallest
// input that causes it. Exit 0 no failure, 1 failures found, 2 usage error or unloadable task.
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { runtimeLimitsFromConfig } from '../runtime/settings.ts';
import { DEFAULT_FUZZ_DURATION_MS, failureAsTestCase, fuzzTask, type FuzzReport } from '../quality/fuzz.ts';
import { CliExit, UsageError } from './errors.ts';
import { parseDuration, parseNonNegativeInt } from './duration.ts';
import { loadCliConfig } from './load-config.ts';
import { loadTaskOrExit } from './load-task.ts';
import { parsePositiveInt } from './task-path.ts';

interface FuzzFlags {
  duration?: string;
  seed?: string;
  parallel?: string;
  timeout?: string;
  saveFailures?: boolean;
  json?: boolean;
}

export function registerFuzz(program: Command): void {
  program
    .command('fuzz')
    .description('run a task on generated schema-valid inputs and report each distinct failure, shrunk')
    .argument('<task>', 'task folder')
    .option('--duration <time>', 'how long to fuzz (e.g. 30s, 2m)', '30s')
    .option('--seed <n>', 'seed of the input generator (same seed, same inputs)')
    .option('--parallel <n>', 'lanes, each in its own thread (default: up to 2)')
    .option('--timeout <ms>', 'per-run timeout (default: the task timeout, at most 2000 ms)')
    .option('--save-failures', 'write each failure as tests/fuzz-NNN.json (a case that passes once fixed)')
    .option('--json', 'print the report as JSON')
    .action(async (task: string, flags: FuzzFlags, cmd: Command) => {
      const durationMs =
        flags.duration !== undefined ? parseDuration(flags.duration, '--duration') : DEFAULT_FUZZ_DURATION_MS;
      if (durationMs <= 0) throw new UsageError('--duration must be longer than 0');
      const seed =
        flags.seed !== undefined ? parseNonNegativeInt(flags.seed, '--seed') : Date.now() % 2 ** 31;
      const parallel =
        flags.parallel !== undefined
          ? parsePositiveInt(flags.parallel, '--parallel')
          : Math.min(2, availableParallelism());
      const timeoutMs =
        flags.timeout !== undefined ? parsePositiveInt(flags.timeout, '--timeout') : undefined;
      const config = await loadCliConfig(cmd);
      const pkg = await loadTaskOrExit(task, flags.json === true);
      const report = await fuzzTask(pkg, {
        durationMs,
        seed,
        parallel,
        timeoutMs,
        limits: runtimeLimitsFromConfig(config),
      });
      const saved: string[] = [];
      if (flags.saveFailures === true && report.failures.length > 0) {
        await mkdir(join(task, 'tests'), { recursive: true });
        for (const [i, f] of report.failures.entries()) {
          const { file, text } = failureAsTestCase(f, i);
          await writeFile(join(task, 'tests', file), text);
          saved.push(join(task, 'tests', file));
        }
      }
      if (flags.json === true) process.stdout.write(`${JSON.stringify({ ...report, saved }, null, 2)}\n`);
      else process.stdout.write(`${formatFuzz(report, saved).join('\n')}\n`);
      if (report.failures.length > 0) throw new CliExit(1);
    });
}

function formatFuzz(r: FuzzReport, saved: string[]): string[] {
  const out = [
    `fuzzed ${r.task}: ${r.runs} runs in ${(r.durationMs / 1000).toFixed(1)} s (${r.runsPerSecond}/s, ${r.lanes} lane(s), seed ${r.seed})`,
    `http: ${r.http}`,
  ];
  if (r.skippedConstraints.length > 0) {
    out.push(`not generated from the schema (inputs violating them are discarded: ${r.discarded}):`);
    for (const s of r.skippedConstraints) out.push(`  ${s}`);
  }
  if (r.failures.length === 0) {
    out.push('no failure found');
    return out;
  }
  out.push(`${r.failures.length} distinct failure(s):`);
  for (const f of r.failures) {
    out.push(`  ✗ ${f.type}${f.line !== undefined ? ` (main.js:${f.line})` : ''}: ${f.message}`);
    out.push(
      `    smallest input: ${JSON.stringify(f.input)}  (${f.shrinks} shrink step(s), first hit after ${f.foundAfterRuns} runs)`,
    );
  }
  for (const s of saved) out.push(`saved ${s}`);
  out.push(`rerun with --seed ${r.seed} to generate the same inputs`);
  return out;
}

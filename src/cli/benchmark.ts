// `ratchet benchmark TASK [--input-json J | --input-file F] [--duration 10s] [--runs N]
// [--concurrency N] [--json]`: run a task folder again and again (services/folder-benchmark.ts)
// and print latency percentiles, throughput, failures and memory. Exit 1 when any run failed.
import type { Command } from 'commander';
import { httpOptionsFromConfig, runtimeLimitsFromConfig } from '../runtime/settings.ts';
import { benchmarkFolder, type FolderBenchmarkReport } from '../services/folder-benchmark.ts';
import { addAllowHostOption, withAllowedHosts } from './allow-host.ts';
import { parseDuration } from './duration.ts';
import { CliExit, UsageError } from './errors.ts';
import { loadCliConfig } from './load-config.ts';
import { loadTaskOrExit } from './load-task.ts';
import { readTaskInput } from './task-input.ts';
import { parsePositiveInt, taskPathFrom } from './task-path.ts';

interface BenchmarkFlags {
  fromFs?: string;
  inputJson?: string;
  inputFile?: string;
  duration?: string;
  runs?: string;
  concurrency?: string;
  json?: boolean;
  allowHost?: string[];
}

const DEFAULT_DURATION = '10s';

export function registerBenchmark(program: Command): void {
  const command = program
    .command('benchmark')
    .description('run a task folder repeatedly and report latency percentiles, runs/s and memory')
    .argument('[dir]', 'task folder or .zip')
    .option('--from-fs <dir>', 'task folder (alias of the positional argument)')
    .option('--input-json <json>', 'input as JSON text (every run gets the same)')
    .option('--input-file <file>', 'input from a JSON file')
    .option(
      '--duration <duration>',
      `how long to keep starting runs (default ${DEFAULT_DURATION} without --runs)`,
    )
    .option('--runs <n>', 'stop after this many runs')
    .option('--concurrency <n>', 'runs at the same time, each in its own thread', '1')
    .option('--json', 'print the report as JSON');
  addAllowHostOption(command).action(async (dir: string | undefined, flags: BenchmarkFlags, cmd: Command) => {
    const path = taskPathFrom(dir, flags.fromFs, 'benchmark');
    const concurrency = parsePositiveInt(flags.concurrency ?? '1', '--concurrency');
    if (concurrency > 64) throw new UsageError('--concurrency: at most 64 threads');
    const runs = flags.runs === undefined ? undefined : parsePositiveInt(flags.runs, '--runs');
    const durationMs =
      flags.duration !== undefined || runs === undefined
        ? parseDuration(flags.duration ?? DEFAULT_DURATION, '--duration')
        : undefined;
    const config = await loadCliConfig(cmd);
    const input = await readTaskInput(flags, config);
    const pkg = await loadTaskOrExit(path, Boolean(flags.json));
    const report = await benchmarkFolder(pkg, {
      input,
      concurrency,
      durationMs,
      runs,
      http: withAllowedHosts(httpOptionsFromConfig(config), flags.allowHost),
      limits: runtimeLimitsFromConfig(config),
    });
    process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    if (report.failed > 0) throw new CliExit(1);
  });
}

function formatReport(r: FolderBenchmarkReport): string {
  const ms = (v: number | null) => (v === null ? '-' : `${v.toFixed(2)} ms`);
  const kib = (v: number | null) => (v === null ? '-' : `${(v / 1024).toFixed(1)} KiB`);
  const mib = (v: number) => `${(v / 1024 / 1024).toFixed(1)} MiB`;
  const e = r.executionMs;
  const t = r.roundTripMs;
  const lines = [
    `${r.task.name}@${r.task.version}: ${r.runs} runs at concurrency ${r.concurrency}, ${r.runsPerSecond} runs/s`,
    `  completed ${r.completed}, failed ${r.failed}`,
    `  run time    p50 ${ms(e.p50Ms)}  p99 ${ms(e.p99Ms)}  max ${ms(e.maxMs)}`,
    `  round trip  p50 ${ms(t.p50Ms)}  p99 ${ms(t.p99Ms)}  max ${ms(t.maxMs)}`,
    `  guest heap peak per run  p50 ${kib(r.peakHeapBytes.p50)}  p99 ${kib(r.peakHeapBytes.p99)}  max ${kib(r.peakHeapBytes.max)}`,
    `  process memory (RSS)     ${mib(r.rssBytes.start)} at start, ${mib(r.rssBytes.peak)} at most`,
  ];
  if (r.firstError) lines.push(`  first error: ${r.firstError.type}: ${r.firstError.message}`);
  return `${lines.join('\n')}\n`;
}

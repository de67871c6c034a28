// `ratchet run-batch TASK --input-dir DIR [--parallel N] [--aggregate-results] [--compare-outputs]`:
// the task run once per `*.json` input in DIR (name order). stdout carries the results (one JSON
// line per input, or with --aggregate-results one JSON document with totals, duration percentiles
// and the distinct errors); stderr a line per input and a summary. With --compare-outputs each
// `NAME.json` is compared with `NAME.expected.json` beside it. Exit 0 when every run completed
// (and matched), 1 otherwise, 2 for usage errors.
import type { Command } from 'commander';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { httpOptionsFromConfig, runtimeLimitsFromConfig } from '../runtime/settings.ts';
import { runInputBatch, type BatchInput, type BatchItem, type BatchReport } from '../services/input-batch.ts';
import { addAllowHostOption, withAllowedHosts } from './allow-host.ts';
import { CliExit, UsageError } from './errors.ts';
import { loadCliConfig } from './load-config.ts';
import { loadTaskOrExit } from './load-task.ts';
import { readTaskInput } from './task-input.ts';
import { parsePositiveInt, taskPathFrom } from './task-path.ts';

interface RunBatchOptions {
  fromFs?: string;
  inputDir?: string;
  parallel?: string;
  aggregateResults?: boolean;
  compareOutputs?: boolean;
  allowHost?: string[];
}

const EXPECTED_SUFFIX = '.expected.json';

export function registerRunBatch(program: Command): void {
  const command = program
    .command('run-batch')
    .description('run a task folder once per JSON input file of a folder, in parallel sandboxes')
    .argument('[dir]', 'task folder or .zip')
    .option('--from-fs <dir>', 'task folder (alias of the positional argument)')
    .requiredOption('--input-dir <dir>', 'folder of inputs: every *.json file is one run')
    .option('--parallel <n>', 'runs at the same time (worker threads)', '1')
    .option('--aggregate-results', 'print one JSON document: totals, duration percentiles, errors, results')
    .option('--compare-outputs', 'compare each NAME.json run with NAME.expected.json beside it');
  addAllowHostOption(command).action(async (dir: string | undefined, opts: RunBatchOptions, cmd: Command) => {
    const path = taskPathFrom(dir, opts.fromFs, 'run-batch');
    const parallel = parsePositiveInt(opts.parallel ?? '1', '--parallel');
    const config = await loadCliConfig(cmd);
    const inputs = await readInputDir(opts.inputDir!, Boolean(opts.compareOutputs), config);
    const pkg = await loadTaskOrExit(path, false);
    const report = await runInputBatch(pkg, path, inputs, {
      parallel,
      http: withAllowedHosts(httpOptionsFromConfig(config), opts.allowHost),
      limits: runtimeLimitsFromConfig(config),
      onItem: (item) => {
        process.stderr.write(`${itemLine(item)}\n`);
        if (!opts.aggregateResults) process.stdout.write(`${JSON.stringify(resultOf(item))}\n`);
      },
    });
    if (opts.aggregateResults) {
      const { items, ...rest } = report;
      process.stdout.write(`${JSON.stringify({ ...rest, results: items.map(resultOf) }, null, 2)}\n`);
    }
    process.stderr.write(summary(report));
    if (report.totals.failed > 0 || report.totals.differing > 0) throw new CliExit(1);
  });
}

/** The inputs of DIR in name order, each checked like --input-file (JSON, size and depth limits). */
async function readInputDir(
  dir: string,
  compare: boolean,
  config: Parameters<typeof readTaskInput>[1],
): Promise<BatchInput[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such folder' : code === 'ENOTDIR' ? 'not a folder' : String(err);
    throw new UsageError(`--input-dir ${dir}: ${why}`);
  }
  const expected = new Set(names.filter((n) => n.endsWith(EXPECTED_SUFFIX)));
  const inputNames = names.filter((n) => !expected.has(n));
  if (inputNames.length === 0) throw new UsageError(`--input-dir ${dir}: no *.json input files`);
  if (compare && expected.size === 0) {
    throw new UsageError(
      `--compare-outputs: no NAME${EXPECTED_SUFFIX} files in ${dir} (one beside each NAME.json to compare)`,
    );
  }
  const inputs: BatchInput[] = [];
  for (const name of inputNames) {
    const input = await readTaskInput({ inputFile: join(dir, name) }, config);
    const expectedName = name.replace(/\.json$/, EXPECTED_SUFFIX);
    const item: BatchInput = { name, input };
    if (compare && expected.has(expectedName)) {
      item.expected = { output: await readTaskInput({ inputFile: join(dir, expectedName) }) };
    }
    inputs.push(item);
  }
  return inputs;
}

function resultOf(item: BatchItem): object {
  const { name, ...rest } = item;
  return { input: name, ...rest };
}

function itemLine(item: BatchItem): string {
  const ms = `${item.durationMs.toFixed(1)} ms`;
  if (item.error) {
    const at = item.error.line !== undefined ? ` (main.js:${item.error.line})` : '';
    return `✗ ${item.name}  ${item.error.type}: ${item.error.message}${at}  ${ms}`;
  }
  if (item.matches === false) {
    return [
      `≠ ${item.name}  output differs from the expected  ${ms}`,
      ...(item.diff ?? []).map((l) => `    ${l}`),
    ].join('\n');
  }
  return `✓ ${item.name}  ${ms}${item.matches ? '  (matches the expected)' : ''}`;
}

function summary(r: BatchReport): string {
  const t = r.totals;
  const lines = [
    '',
    `${r.task.name}@${r.task.version}: ${t.runs} runs, ${t.completed} completed, ${t.failed} failed` +
      (t.compared > 0 ? `; ${t.compared} compared, ${t.differing} differing` : ''),
    `duration p50 ${fmt(r.durationMs.p50Ms)}, p99 ${fmt(r.durationMs.p99Ms)}, max ${fmt(r.durationMs.maxMs)}; ` +
      `${Math.round(r.wallMs)} ms in all`,
  ];
  for (const e of r.errors)
    lines.push(`  ${e.inputs.length}× ${e.type}: ${e.message} (${e.inputs.join(', ')})`);
  return `${lines.join('\n')}\n`;
}

function fmt(ms: number | null): string {
  return ms === null ? '-' : `${ms.toFixed(1)} ms`;
}

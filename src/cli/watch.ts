// `ratchet watch TASK [--input-file F | --input-json J] [--on-change]`: run the task folder once,
// then again after every save of a file in it (or of the input file), until Ctrl-C. With
// --on-change each re-run is followed by the task's test cases. The output goes to stdout as JSON,
// everything else to stderr. A broken save (main.js that does not parse, bad JSON) is reported
// and the watch goes on; the next good save runs again. Runs use the batch runner's worker thread,
// so a run stuck past its deadline is ended without ending the watch.
import type { Command } from 'commander';
import { watch, type FSWatcher } from 'chokidar';
import { resolve } from 'node:path';
import type { RatchetConfig } from '../config/schema.ts';
import { httpOptionsFromConfig, runtimeLimitsFromConfig } from '../runtime/settings.ts';
import { runInputBatch } from '../services/input-batch.ts';
import { loadTask } from '../tasks/load.ts';
import { formatProblem, TaskLoadError } from '../tasks/types.ts';
import { runTestSuites } from '../testing/runner.ts';
import { addAllowHostOption, withAllowedHosts } from './allow-host.ts';
import { UsageError } from './errors.ts';
import { loadCliConfig } from './load-config.ts';
import { listenForStop } from './stop-signal.ts';
import { readTaskInput } from './task-input.ts';
import { parsePositiveInt, taskPathFrom } from './task-path.ts';
import { formatCase, formatSummary, styleFor } from './test-output.ts';

interface WatchOptions {
  fromFs?: string;
  inputJson?: string;
  inputFile?: string;
  onChange?: boolean;
  debounce?: string;
  allowHost?: string[];
}

const IGNORED = /(^|[/\\])(\.git|node_modules|coverage)([/\\]|$)/;

export function registerWatch(program: Command): void {
  const command = program
    .command('watch')
    .description('run a task folder, then again on every save of its files, until Ctrl-C')
    .argument('[dir]', 'task folder')
    .option('--from-fs <dir>', 'task folder (alias of the positional argument)')
    .option('--input-json <json>', 'input as JSON text')
    .option('--input-file <file>', 'input from a JSON file (watched too)')
    .option('--on-change', 'also run the test cases after every re-run')
    .option('--debounce <ms>', 'quiet time after a save before running (editors write in steps)', '150');
  addAllowHostOption(command).action(async (dir: string | undefined, opts: WatchOptions, cmd: Command) => {
    const path = taskPathFrom(dir, opts.fromFs, 'watch');
    const debounceMs = parsePositiveInt(opts.debounce ?? '150', '--debounce');
    if (opts.inputJson !== undefined && opts.inputFile !== undefined) {
      throw new UsageError('give either --input-json or --input-file, not both');
    }
    const config = await loadCliConfig(cmd);
    const stop = listenForStop();
    const cycle = new WatchCycle(path, opts, config);
    await cycle.run('start');
    const watched = [path, ...(opts.inputFile !== undefined ? [opts.inputFile] : [])];
    const watcher: FSWatcher = watch(watched, { ignoreInitial: true, ignored: (p) => IGNORED.test(p) });
    let timer: NodeJS.Timeout | undefined;
    const changed = new Set<string>();
    watcher.on('all', (_event, file) => {
      changed.add(resolve(file));
      clearTimeout(timer);
      timer = setTimeout(() => {
        const files = [...changed];
        changed.clear();
        void cycle.run(files.map((f) => f.replace(`${resolve(path)}/`, '')).join(', '));
      }, debounceMs);
    });
    await new Promise<void>((ready) => watcher.once('ready', ready));
    process.stderr.write(`watching ${path} — Ctrl-C to stop\n`);
    await stop.received;
    clearTimeout(timer);
    await watcher.close();
    await cycle.idle();
    stop.dispose();
  });
}

/** One run (and test run) at a time; a save during a run queues exactly one more. */
class WatchCycle {
  private running: Promise<void> = Promise.resolve();
  private queued = false;
  private readonly path: string;
  private readonly opts: WatchOptions;
  private readonly config: RatchetConfig;

  constructor(path: string, opts: WatchOptions, config: RatchetConfig) {
    this.path = path;
    this.opts = opts;
    this.config = config;
  }

  run(reason: string): Promise<void> {
    if (this.queued) return this.running;
    this.queued = true;
    this.running = this.running.then(async () => {
      this.queued = false;
      await this.once(reason).catch((err: unknown) => {
        process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      });
    });
    return this.running;
  }

  idle(): Promise<void> {
    return this.running;
  }

  private async once(reason: string): Promise<void> {
    const at = new Date().toTimeString().slice(0, 8);
    process.stderr.write(`\n[${at}] ${reason === 'start' ? 'first run' : `changed: ${reason}`}\n`);
    let pkg;
    try {
      pkg = await loadTask(this.path);
    } catch (err) {
      if (!(err instanceof TaskLoadError)) throw err;
      const problems = err.problems.map((p) => `  ${p.severity}: ${formatProblem(p)}`).join('\n');
      process.stderr.write(`cannot load task ${this.path}:\n${problems}\nwaiting for the next save\n`);
      return;
    }
    const input = await readTaskInput(this.opts, this.config);
    const http = withAllowedHosts(httpOptionsFromConfig(this.config), this.opts.allowHost);
    const limits = runtimeLimitsFromConfig(this.config);
    const report = await runInputBatch(pkg, this.path, [{ name: 'input', input }], {
      parallel: 1,
      http,
      limits,
    });
    const item = report.items[0]!;
    const task = `${pkg.metadata.name}@${pkg.metadata.version}`;
    if (item.error) {
      const line = item.error.line !== undefined ? ` (main.js:${item.error.line})` : '';
      process.stderr.write(`✗ ${task} failed: ${item.error.type}: ${item.error.message}${line}\n`);
    } else {
      process.stdout.write(`${JSON.stringify(item.output)}\n`);
      process.stderr.write(`✓ ${task} completed\n`);
    }
    if (this.opts.onChange) {
      const tests = await runTestSuites([{ pkg, path: this.path }], { http, limits });
      const style = styleFor(process.stderr);
      const failed = (tests.tasks[0]?.cases ?? []).filter((c) => c.status !== 'passed');
      const lines = failed.flatMap((c) => formatCase(c, pkg.code, style));
      process.stderr.write(`${[...lines, formatSummary(tests, 0)].join('\n')}\n`);
    }
  }
}

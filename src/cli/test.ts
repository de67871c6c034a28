// `ratchet test [dirs...]`: run the tests/*.json cases of task folders with HTTP mocks. Prints a
// line per case and a summary (or --json), writes --junit XML. Exit 0 all passed, 1 any case
// failed, 2 usage error or a task that could not be loaded.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { httpOptionsFromConfig, runtimeLimitsFromConfig } from '../runtime/settings.ts';
import { loadTask } from '../tasks/load.ts';
import { DiscoveryError, discoverTaskPaths } from '../testing/discover.ts';
import { toJUnitXml } from '../testing/junit.ts';
import { runTestSuites, type TestRunOptions, type TestRunReport, type TestSuite } from '../testing/runner.ts';
// Coverage (istanbul, Babel) and test generation (fast-check) are imported when asked for: they
// are most of what `ratchet test` would load otherwise (a plain run took ~1.1 s with them loaded,
// ~0.7 s without).
import type { TaskCoverage } from '../quality/coverage.ts';
import type { CoverageFormat } from '../quality/coverage-report.ts';
import { formatCoverage } from './test-coverage.ts';
import { parseNonNegativeInt } from './duration.ts';
import { formatProblem, TaskLoadError, type Problem } from '../tasks/types.ts';
import { CliExit, UsageError } from './errors.ts';
import { addAllowHostOption, withAllowedHosts } from './allow-host.ts';
import { loadCliConfig } from './load-config.ts';
import { loadTaskOrExit } from './load-task.ts';
import { parsePositiveInt } from './task-path.ts';
import { formatCase, formatSummary, ProgressBar, styleFor } from './test-output.ts';
import { saveTestFromRecording } from './update-from.ts';
import { PERFORMANCE_RUNS } from '../quality/baseline.ts';

interface TestOptions {
  fromFs?: string;
  filter?: string;
  bail?: boolean;
  parallel?: string;
  json?: boolean;
  junit?: string;
  updateFrom?: string;
  allowHost?: string[];
  coverage?: boolean;
  coverageReport?: string;
  generateTests?: boolean;
  write?: boolean;
  seed?: string;
  baselineVersion?: string;
  comparePerformance?: boolean;
  failOnRegression?: boolean;
}

/** Above this many cases a TTY gets a progress bar. */
const PROGRESS_MIN_CASES = 20;

export function registerTest(program: Command): void {
  const command = program
    .command('test')
    .description('run the test cases (tests/*.json) of task folders, with HTTP mocks')
    .argument('[dirs...]', 'task folders, .zip files, or folders of task folders')
    .option('--from-fs <dir>', 'task folder (alias of a positional argument)')
    .option('--filter <pattern>', 'only cases whose name or file contains PATTERN (or matches /regex/)')
    .option('--bail', 'stop after the first failing case')
    .option('--parallel <n>', 'run cases in N worker threads')
    .option('--json', 'print one machine-readable report')
    .option('--junit <file>', 'also write a JUnit XML report to FILE')
    .option(
      '--update-from <session>',
      'first turn a run-once --record session into tests/recorded-<stamp>.json',
    )
    .option('--coverage', 'measure line, branch and function coverage of main.js over the cases')
    .option(
      '--coverage-report <format>',
      'with coverage, also write coverage/lcov.info (lcov) or coverage/coverage-final.json (json)',
    )
    .option('--generate-tests', 'propose edge-case test cases from the input schema (runs each once)')
    .option('--write', 'with --generate-tests, save the proposals under tests/')
    .option('--seed <n>', 'with --generate-tests, the seed of the generated values (default 1)')
    .option(
      '--baseline-version <version>',
      "run the cases through that stored version of the task too and report what changed (the configured database's task)",
    )
    .option(
      '--compare-performance',
      `with --baseline-version, compare median durations over ${PERFORMANCE_RUNS} runs`,
    )
    .option('--fail-on-regression', 'with --baseline-version, exit 1 when any case got worse');
  addAllowHostOption(command).action(async (dirs: string[], opts: TestOptions, cmd: Command) => {
    const args = [...dirs, ...(opts.fromFs !== undefined ? [opts.fromFs] : [])];
    if (args.length === 0) throw new UsageError('test: missing the task folder (ratchet test <dir>...)');
    if (opts.updateFrom !== undefined) await saveTestFromRecording(args, opts.updateFrom);
    const reportFormat = await coverageFormat(opts.coverageReport);
    const parallel = opts.parallel !== undefined ? parsePositiveInt(opts.parallel, '--parallel') : 1;
    const config = await loadCliConfig(cmd);
    let paths: string[];
    try {
      paths = await discoverTaskPaths(args);
    } catch (e) {
      if (e instanceof DiscoveryError) throw new UsageError(`test: ${e.message}`);
      throw e;
    }
    if (opts.generateTests === true) {
      if (paths.length !== 1) throw new UsageError('test: --generate-tests takes one task folder');
      const pkg = await loadTaskOrExit(paths[0]!, opts.json === true);
      const { runGenerateTests } = await import('./test-generate.ts');
      await runGenerateTests(pkg, paths[0]!, {
        seed: opts.seed !== undefined ? parseNonNegativeInt(opts.seed, '--seed') : 1,
        write: opts.write === true,
        json: opts.json === true,
        limits: runtimeLimitsFromConfig(config),
        style: styleFor(process.stdout),
      });
      return;
    }
    if (opts.write === true || opts.seed !== undefined) {
      throw new UsageError('test: --write and --seed go with --generate-tests');
    }
    if (opts.baselineVersion !== undefined) {
      if (paths.length !== 1) throw new UsageError('test: --baseline-version takes one task folder');
      // Loaded here: it opens the store, which a plain `ratchet test` never needs.
      const { runBaselineComparison } = await import('./test-baseline.ts');
      await runBaselineComparison(cmd, await loadTaskOrExit(paths[0]!, opts.json === true), {
        version: opts.baselineVersion,
        comparePerformance: opts.comparePerformance === true,
        failOnRegression: opts.failOnRegression === true,
        json: opts.json === true,
        filter: opts.filter,
        limits: runtimeLimitsFromConfig(config),
        http: withAllowedHosts(httpOptionsFromConfig(config), opts.allowHost),
        style: styleFor(process.stdout),
      });
      return;
    }
    if (opts.comparePerformance === true || opts.failOnRegression === true) {
      throw new UsageError('test: --compare-performance and --fail-on-regression go with --baseline-version');
    }
    const suites: TestSuite[] = [];
    const loadErrors: { path: string; problems: Problem[] }[] = [];
    for (const path of paths) {
      try {
        suites.push({ pkg: await loadTask(path), path });
      } catch (e) {
        if (!(e instanceof TaskLoadError)) throw e;
        loadErrors.push({ path, problems: e.problems });
      }
    }
    const out = process.stdout;
    const style = styleFor(out);
    const human = !opts.json;
    for (const err of loadErrors) {
      if (!human) continue;
      out.write(`${style.red('✗')} cannot load task ${err.path}:\n`);
      for (const p of err.problems) out.write(`    ${p.severity}: ${formatProblem(p)}\n`);
    }
    const bar = human && out.isTTY ? new ProgressBar(out) : undefined;
    let currentSuite = -1;
    const header = (i: number): void => {
      const { pkg, path } = suites[i]!;
      out.write(`${pkg.metadata.name} ${pkg.metadata.version} ${style.dim(`(${path})`)}\n`);
      for (const w of pkg.warnings ?? []) out.write(`  warning: ${formatProblem(w)}\n`);
    };
    const runOpts: TestRunOptions = {
      filter: opts.filter,
      bail: opts.bail,
      parallel,
      limits: runtimeLimitsFromConfig(config),
      http: withAllowedHosts(httpOptionsFromConfig(config), opts.allowHost),
      onCase: human
        ? (i, c) => {
            bar?.clear();
            if (i !== currentSuite) header((currentSuite = i));
            out.write(`${formatCase(c, suites[i]!.pkg.code, style).join('\n')}\n`);
          }
        : undefined,
      onProgress: bar ? (done, total) => total > PROGRESS_MIN_CASES && bar.update(done, total) : undefined,
    };
    let report: TestRunReport;
    let coverage: TaskCoverage[] | undefined;
    let coverageFile: string | undefined;
    if (opts.coverage === true || reportFormat !== undefined) {
      const { runTestsWithCoverage } = await import('../quality/coverage.ts');
      const run = await runTestsWithCoverage(suites, runOpts);
      ({ report } = run);
      coverage = run.tasks;
      if (reportFormat !== undefined) {
        const { writeCoverageReport } = await import('../quality/coverage-report.ts');
        coverageFile = writeCoverageReport(run.map, reportFormat, 'coverage');
      }
    } else {
      report = await runTestSuites(suites, runOpts);
    }
    bar?.clear();

    const t = report.totals;
    const noCases = t.cases === 0 && loadErrors.length === 0;
    const noCasesMessage =
      opts.filter !== undefined
        ? `no test case matches --filter ${JSON.stringify(opts.filter)}`
        : `no test cases found (add tests/*.json to ${paths.join(', ')})`;
    if (opts.junit !== undefined) {
      await mkdir(dirname(opts.junit), { recursive: true });
      await writeFile(opts.junit, toJUnitXml(report));
    }
    if (human) {
      if (noCases) out.write(`${noCasesMessage}\n`);
      if (coverage) out.write(`${formatCoverage(coverage, style).join('\n')}\n`);
      if (coverageFile !== undefined) out.write(`coverage report written to ${coverageFile}\n`);
      out.write(`\n${formatSummary(report, loadErrors.length)}\n`);
    } else {
      const json = {
        ok: loadErrors.length === 0 && t.failed === 0 && t.errors === 0 && !noCases,
        totals: { ...t, loadErrors: loadErrors.length },
        durationMs: round(report.durationMs),
        tasks: report.tasks.map((task) => ({
          ...task,
          durationMs: round(task.durationMs),
          cases: task.cases.map((c) => ({ ...c, durationMs: round(c.durationMs) })),
        })),
        loadErrors,
        ...(coverage ? { coverage } : {}),
        ...(coverageFile !== undefined ? { coverageReport: coverageFile } : {}),
        ...(noCases ? { message: noCasesMessage } : {}),
      };
      out.write(`${JSON.stringify(json, null, 2)}\n`);
    }
    if (loadErrors.length > 0) throw new CliExit(2);
    if (t.failed > 0 || t.errors > 0 || noCases) throw new CliExit(1);
  });
}

async function coverageFormat(value: string | undefined): Promise<CoverageFormat | undefined> {
  if (value === undefined) return undefined;
  const { COVERAGE_FORMATS } = await import('../quality/coverage-report.ts');
  if ((COVERAGE_FORMATS as readonly string[]).includes(value)) return value as CoverageFormat;
  throw new UsageError(
    `test: --coverage-report must be one of ${COVERAGE_FORMATS.join(', ')} (got ${JSON.stringify(value)})`,
  );
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

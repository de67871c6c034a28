// `ratchet test --coverage` and ratchet_analyze_test_coverage: run a task's test suite on code
// instrumented by istanbul (instrument.ts), read each run's counters back from the guest, merge
// them over the suite and describe what never ran. The cases are judged exactly as without
// coverage: the instrumented code keeps every statement on its line and changes no behaviour.
import istanbul from 'istanbul-lib-instrument';
import libCoverage from 'istanbul-lib-coverage';
import type { CoverageMapData, FileCoverageData } from 'istanbul-lib-coverage';
import { runTestSuites, type TestRunOptions, type TestRunReport, type TestSuite } from '../testing/runner.ts';
import { COVERAGE_GLOBAL, instrumentForCoverage } from './instrument.ts';
import { describeFileCoverage, type FileCoverageView } from './coverage-describe.ts';
import { SourceError } from './source.ts';

export interface TaskCoverage {
  task: string;
  /** Null when main.js could not be instrumented (it does not parse); see `error`. */
  coverage: FileCoverageView | null;
  error?: string;
  /** Cases whose counters could not be read (stopped by a timeout, or the run broke the sandbox). */
  casesWithoutData: number;
}

export interface CoverageRun {
  report: TestRunReport;
  tasks: TaskCoverage[];
  /** istanbul's coverage map of every task, for lcov/json reports. */
  map: CoverageMapData;
}

/** The coverage key of a task's main.js: its folder path (CLI) or name@version (store). */
export function coverageFileOf(suite: TestSuite): string {
  return `${suite.path.replace(/\/+$/, '')}/main.js`;
}

export async function runTestsWithCoverage(
  suites: readonly TestSuite[],
  opts: Omit<TestRunOptions, 'collectGlobal'>,
): Promise<CoverageRun> {
  const failures = new Map<number, string>();
  const instrumented = suites.map((suite, i): TestSuite => {
    try {
      return { ...suite, pkg: instrumentForCoverage(suite.pkg, coverageFileOf(suite)).pkg };
    } catch (e) {
      if (!(e instanceof SourceError)) throw e;
      failures.set(i, e.message);
      return suite;
    }
  });
  const report = await runTestSuites(instrumented, { ...opts, collectGlobal: COVERAGE_GLOBAL });
  const map = libCoverage.createCoverageMap({});
  const tasks = report.tasks.map((task, i): TaskCoverage => {
    const suite = suites[i]!;
    // The report shows the author's code, not the instrumented one.
    task.task.path = suite.path;
    const failure = failures.get(i);
    if (failure !== undefined) {
      for (const c of task.cases) delete c.collected;
      return { task: suite.pkg.metadata.name, coverage: null, error: failure, casesWithoutData: 0 };
    }
    const file = coverageFileOf(suite);
    const merged = libCoverage.createCoverageMap({});
    let casesWithoutData = 0;
    for (const c of task.cases) {
      const data = c.collected !== undefined ? (JSON.parse(c.collected) as CoverageMapData)[file] : undefined;
      delete c.collected;
      if (data === undefined) casesWithoutData++;
      else merged.addFileCoverage(data);
    }
    const data: FileCoverageData = merged.files().includes(file)
      ? (merged.fileCoverageFor(file).toJSON() as FileCoverageData)
      : emptyCoverage(suite, file);
    map.addFileCoverage(data);
    return {
      task: suite.pkg.metadata.name,
      coverage: describeFileCoverage(data, suite.pkg.code),
      casesWithoutData,
    };
  });
  return { report, tasks, map: map.toJSON() };
}

/** Zero counters for a task whose cases produced none (no cases, or every run timed out). */
function emptyCoverage(suite: TestSuite, file: string): FileCoverageData {
  const { pkg } = instrumentForCoverage(suite.pkg, file);
  // The instrumenter embeds the all-zero coverage object in its output; istanbul reads it back.
  const initial = istanbul.readInitialCoverage(pkg.code) as { coverageData: FileCoverageData } | null;
  if (!initial) throw new Error(`could not read the initial coverage of ${file}`);
  return initial.coverageData;
}

// `ratchet test --coverage` and ratchet_analyze_test_coverage: run a task's test suite on code
// instrumented by istanbul (instrument.ts), read each run's counters back from the guest, merge
// them over the suite and describe what never ran. The cases are judged exactly as without
// coverage: the instrumented code keeps every statement on its line and changes no behaviour.
import libCoverage from 'istanbul-lib-coverage';
import type { CoverageMapData, FileCoverageData } from 'istanbul-lib-coverage';
import { runTestSuites, type TestRunOptions, type TestRunReport, type TestSuite } from '../testing/runner.ts';
import { COUNTERS_GLOBAL, instrumentForCoverage, type CoverageCounters } from './instrument.ts';
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
  const initials = new Map<number, FileCoverageData>();
  const instrumented = suites.map((suite, i): TestSuite => {
    try {
      const done = instrumentForCoverage(suite.pkg, coverageFileOf(suite));
      initials.set(i, done.initial);
      return { ...suite, pkg: done.pkg };
    } catch (e) {
      if (!(e instanceof SourceError)) throw e;
      failures.set(i, e.message);
      return suite;
    }
  });
  const report = await runTestSuites(instrumented, { ...opts, collectGlobal: COUNTERS_GLOBAL });
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
    const data = structuredClone(initials.get(i)!);
    let casesWithoutData = 0;
    for (const c of task.cases) {
      const counters =
        c.collected !== undefined
          ? (JSON.parse(c.collected) as Record<string, CoverageCounters>)[file]
          : undefined;
      delete c.collected;
      if (counters === undefined) casesWithoutData++;
      else addCounters(data, counters);
    }
    map.addFileCoverage(data);
    return {
      task: suite.pkg.metadata.name,
      coverage: describeFileCoverage(data, suite.pkg.code),
      casesWithoutData,
    };
  });
  return { report, tasks, map: map.toJSON() };
}

function addCounters(data: FileCoverageData, c: CoverageCounters): void {
  for (const [k, n] of Object.entries(c.s)) data.s[k] = (data.s[k] ?? 0) + n;
  for (const [k, n] of Object.entries(c.f)) data.f[k] = (data.f[k] ?? 0) + n;
  for (const [k, arms] of Object.entries(c.b)) {
    const into = (data.b[k] ??= arms.map(() => 0));
    arms.forEach((n, j) => (into[j] = (into[j] ?? 0) + n));
  }
}

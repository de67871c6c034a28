// Quality tools: coverage overhead on the test suite of the data-filter sample (target ≤ 2× the
// plain run), measured twice: the whole suite as `ratchet test --coverage` runs it (p50 with
// coverage / p50 without, warm in this process; each suite run starts its case thread, which
// dominates), and per case in this thread, without that start-up (each case's input run plain,
// then instrumented with its counters read back: the guest compiling the larger instrumented
// script on every run and counting). Instrumentation itself is cached. And fuzz executions per
// second on the addition sample
// (target ≥ 2,000/s; 10 s at 1 lane and at 2 lanes, each run a real sandbox run with schema
// validation of input and output).
// Run: npx node bench/quality.ts
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { defaultHttpOptions } from '../src/http/client.ts';
import { loadTask } from '../src/tasks/load.ts';
import type { TaskPackage } from '../src/tasks/types.ts';
import { runTestSuites } from '../src/testing/runner.ts';
import { coverageFileOf, runTestsWithCoverage } from '../src/quality/coverage.ts';
import { COUNTERS_GLOBAL, instrumentForCoverage } from '../src/quality/instrument.ts';
import { runTask } from '../src/runtime/run-task.ts';
import { parseTestCase } from '../src/testing/test-case.ts';
import type { SyncFetch } from '../src/http/types.ts';
import { fuzzTask } from '../src/quality/fuzz.ts';
import { percentile, report, round, sample } from './lib.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 30;
const FUZZ_MS = 10_000;

async function main(): Promise<void> {
  const path = join(ROOT, 'sample', 'tasks', 'data-filter');
  const suite = { pkg: await loadTask(path), path };
  const http = defaultHttpOptions;
  const plain = await sample(RUNS, 5, () => runTestSuites([suite], { http }));
  const covered = await sample(RUNS, 5, () => runTestsWithCoverage([suite], { http }));
  const plainP50 = percentile(plain, 50);
  const coveredP50 = percentile(covered, 50);
  const perCase = await perCaseOverhead(suite);

  const addition = await loadTask(join(ROOT, 'sample', 'tasks', 'addition'));
  const oneLane = await fuzzTask(addition, { durationMs: FUZZ_MS, seed: 1, parallel: 1 });
  const twoLanes = await fuzzTask(addition, { durationMs: FUZZ_MS, seed: 1, parallel: 2 });
  report('quality', {
    coverageSuite: 'data-filter',
    coverageCases: suite.pkg.tests.length,
    plainSuiteP50Ms: plainP50,
    coverageSuiteP50Ms: coveredP50,
    coverageOverhead: round(coveredP50 / plainP50, 2),
    plainCaseP50Ms: perCase.plain,
    coverageCaseP50Ms: perCase.covered,
    coverageCaseOverhead: round(perCase.covered / perCase.plain, 2),
    coverageTarget: '≤ 2×',
    fuzzTask: 'addition',
    fuzzSeconds: FUZZ_MS / 1000,
    fuzzRunsPerSecond1Lane: oneLane.runsPerSecond,
    fuzzRunsPerSecond2Lanes: twoLanes.runsPerSecond,
    fuzzTarget: '≥ 2000/s',
    fuzzFailures: oneLane.failures.length + twoLanes.failures.length,
  });
}

const CASE_RUNS = 2000;
const noNetwork: SyncFetch = () => {
  throw new Error('the data-filter cases make no requests');
};

/** p50 of one pass over the suite's case inputs, plain and instrumented, in this thread. */
async function perCaseOverhead(suite: { pkg: TaskPackage; path: string }) {
  const inputs = suite.pkg.tests.map((f) => parseTestCase(f).input);
  const covered = instrumentForCoverage(suite.pkg, coverageFileOf(suite)).pkg;
  const run = (pkg: TaskPackage, input: unknown, collectGlobal?: string) =>
    runTask(pkg, { input, fetch: noNetwork, ...(collectGlobal ? { collectGlobal } : {}) });
  // The suite has a negative case too: each input must end the same way instrumented as plain.
  const statuses = await Promise.all(inputs.map(async (input) => (await run(suite.pkg, input)).status));
  const pass = (pkg: TaskPackage, collectGlobal?: string) => async () => {
    for (const [i, input] of inputs.entries()) {
      const r = await run(pkg, input, collectGlobal);
      if (r.status !== statuses[i]) throw new Error(`case ${i} ended ${r.status}, plain ${statuses[i]}`);
    }
  };
  const n = CASE_RUNS / inputs.length;
  const plain = await sample(n, 50, pass(suite.pkg));
  const instrumented = await sample(n, 50, pass(covered, COUNTERS_GLOBAL));
  return {
    plain: percentile(plain, 50) / inputs.length,
    covered: percentile(instrumented, 50) / inputs.length,
  };
}

await main();

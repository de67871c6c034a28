// Quality tools: coverage overhead on the test suite of the data-filter sample (target ≤ 2× the
// plain run: p50 of the suite with coverage / p50 without, both warm in this process; the
// instrumentation itself is cached, so this is the guest compiling the larger instrumented script
// on every run, the counters, reading them back, and describing the result), and fuzz executions per second on the addition sample
// (target ≥ 2,000/s; 10 s at 1 lane and at 2 lanes, each run a real sandbox run with schema
// validation of input and output).
// Run: npx node bench/quality.ts
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { defaultHttpOptions } from '../src/http/client.ts';
import { loadTask } from '../src/tasks/load.ts';
import { runTestSuites } from '../src/testing/runner.ts';
import { runTestsWithCoverage } from '../src/quality/coverage.ts';
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

  const addition = await loadTask(join(ROOT, 'sample', 'tasks', 'addition'));
  const oneLane = await fuzzTask(addition, { durationMs: FUZZ_MS, seed: 1, parallel: 1 });
  const twoLanes = await fuzzTask(addition, { durationMs: FUZZ_MS, seed: 1, parallel: 2 });
  report('quality', {
    coverageSuite: 'data-filter',
    coverageCases: suite.pkg.tests.length,
    plainSuiteP50Ms: plainP50,
    coverageSuiteP50Ms: coveredP50,
    coverageOverhead: round(coveredP50 / plainP50, 2),
    coverageTarget: '≤ 2×',
    fuzzTask: 'addition',
    fuzzSeconds: FUZZ_MS / 1000,
    fuzzRunsPerSecond1Lane: oneLane.runsPerSecond,
    fuzzRunsPerSecond2Lanes: twoLanes.runsPerSecond,
    fuzzTarget: '≥ 2000/s',
    fuzzFailures: oneLane.failures.length + twoLanes.failures.length,
  });
}

await main();

// Time to run 100 test cases of the `addition` sample (target: under 0.5 s as one process).
// Figures: the runner in this process (cold: first run, includes sandbox start-up; warm: p50 of
// later runs), and the built CLI as one fresh process (`ratchet test DIR`, includes Node start-up).
// Run: npx node bench/test-runner.ts   (the CLI figure needs a build: npx tsc -p tsconfig.build.json)
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultHttpOptions } from '../src/http/client.ts';
import { loadTask } from '../src/tasks/load.ts';
import { runTaskTests } from '../src/testing/runner.ts';
import { percentile, report, round, sample } from './lib.ts';

const CASES = 100;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli', 'main.js');

async function main(): Promise<void> {
  const dir = join(await mkdtemp(join(tmpdir(), 'ratchet-bench-')), 'addition');
  try {
    await cp(join(ROOT, 'sample', 'tasks', 'addition'), dir, { recursive: true });
    for (const f of await readdir(join(dir, 'tests'))) await rm(join(dir, 'tests', f));
    for (let i = 0; i < CASES; i++) {
      const a = i;
      const b = i * 2 - 7;
      const test = {
        name: `case ${i}`,
        input: { num1: a, num2: b },
        expected_output: { sum: a + b, product: a * b },
      };
      await writeFile(join(dir, 'tests', `test-${String(i).padStart(3, '0')}.json`), JSON.stringify(test));
    }
    const pkg = await loadTask(dir);
    const run = async (): Promise<void> => {
      const r = await runTaskTests(pkg, { http: { ...defaultHttpOptions } });
      if (r.passed !== CASES)
        throw new Error(
          `expected ${CASES} passing cases, got ${r.passed}: ${JSON.stringify(r.cases.find((c) => c.status !== 'passed'))}`,
        );
    };
    const coldStart = performance.now();
    await run();
    const coldMs = performance.now() - coldStart;
    const warm = await sample(10, 1, run);

    let cliMs: number | null = null;
    if (existsSync(CLI)) {
      const start = performance.now();
      execFileSync(process.execPath, [CLI, 'test', dir], { stdio: 'ignore' });
      cliMs = performance.now() - start;
    }
    report('test-runner', {
      cases: CASES,
      inProcessColdMs: round(coldMs),
      inProcessWarmP50Ms: percentile(warm, 50),
      inProcessWarmP99Ms: percentile(warm, 99),
      perCaseWarmMs: round(percentile(warm, 50) / CASES),
      cliProcessMs: cliMs === null ? 'build first (npx tsc -p tsconfig.build.json)' : round(cliMs),
      targetMs: 500,
    });
  } finally {
    await rm(join(dir, '..'), { recursive: true, force: true });
  }
}

await main();

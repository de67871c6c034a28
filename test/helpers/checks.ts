// `npm test`'s checks: lint, format, both type checks and the build run side by side (each is
// mostly one thread, and the machine has more than one core), each one's output printed whole when
// it ends, and the command fails if any of them failed. The build is skipped when dist/ was built
// from exactly these sources (build-stamp.ts): `npm ci` has just built it. With `--and-test` the
// test suite (`npm run test:only`, its output streamed) runs too, alongside the checks: the tests
// spend much of their time waiting on servers and child processes, so the checks fill idle cores
// instead of adding a minute before the first test. Tests start once the build (if any) is done.
import { spawn } from 'node:child_process';
import { buildIsCurrent } from './build-stamp.ts';

interface Check {
  name: string;
  command: string;
}

const CHECKS: Check[] = [
  { name: 'eslint', command: 'eslint .' },
  { name: 'prettier', command: 'prettier --check .' },
  { name: 'typecheck', command: 'tsc -p tsconfig.json --noEmit' },
  { name: 'typecheck web', command: 'tsc -p web/tsconfig.json' },
];

function run(check: Check): Promise<{ check: Check; code: number; output: string; seconds: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    // Through the shell so node_modules/.bin (put on PATH by npm) resolves the tools.
    const child = spawn(check.command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('close', (code) =>
      resolve({ check, code: code ?? 1, output, seconds: (performance.now() - started) / 1000 }),
    );
  });
}

/** The test suite with its output streamed as it comes; resolves with its exit code. */
function runTests(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('npm run -s test:only', { shell: true, stdio: 'inherit' });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

let failed = 0;
async function checked(c: Check): Promise<number> {
  const r = await run(c);
  const verdict = r.code === 0 ? 'ok' : `FAILED (exit ${r.code})`;
  process.stdout.write(`checks: ${c.name} ${verdict} in ${r.seconds.toFixed(1)} s\n`);
  if (r.code !== 0) {
    failed++;
    process.stdout.write(r.output.endsWith('\n') || r.output === '' ? r.output : `${r.output}\n`);
  }
  return r.code;
}

const current = buildIsCurrent();
if (current) process.stdout.write('checks: dist/ is built from these sources; build skipped\n');
const build = current ? Promise.resolve(0) : checked({ name: 'build', command: 'npm run -s build' });
const withTests = process.argv.includes('--and-test');
const tests = withTests ? build.then((code) => (code === 0 ? runTests() : 1)) : Promise.resolve(0);
await Promise.all([build, ...CHECKS.map(checked)]);
if (failed > 0 && withTests) process.stdout.write(`checks: ${failed} check(s) failed; the tests go on\n`);
const testCode = await tests;
if (failed > 0 && withTests)
  process.stdout.write(`checks: ${failed} check(s) failed (their output is above)\n`);
process.exitCode = failed === 0 && testCode === 0 ? 0 : 1;

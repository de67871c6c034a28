// `npm test`'s checks before the tests: lint, format, both type checks and the build run side by
// side (each is mostly one thread, and the machine has more than one core), each one's output
// printed whole when it ends, and the command fails if any of them failed. The build is skipped
// when dist/ was built from exactly these sources (build-stamp.ts): `npm ci` has just built it.
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

const checks = [...CHECKS];
if (buildIsCurrent()) process.stdout.write('checks: dist/ is built from these sources; build skipped\n');
else checks.push({ name: 'build', command: 'npm run -s build' });

let failed = 0;
await Promise.all(
  checks.map(async (c) => {
    const r = await run(c);
    const verdict = r.code === 0 ? 'ok' : `FAILED (exit ${r.code})`;
    process.stdout.write(`checks: ${c.name} ${verdict} in ${r.seconds.toFixed(1)} s\n`);
    if (r.code !== 0) {
      failed++;
      process.stdout.write(r.output.endsWith('\n') || r.output === '' ? r.output : `${r.output}\n`);
    }
  }),
);
process.exitCode = failed === 0 ? 0 : 1;

// Console benchmark: time from start to the first prompt (in a pseudo-terminal made by `script`),
// in local mode and connected to a `ratchet serve` on loopback, and the total time of a
// 100-command script run with --script against that server. Prints one JSON object.
// Targets (issue 19): first prompt ≤ 400 ms; ≤ 5 ms per command against a local server.
// Run: npm run build && npx node bench/console.ts
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_MAIN, assertBuilt, cleanEnv } from '../src/cli/test-helpers/cli-process.ts';
import { startServe, waitReady } from '../src/cli/test-helpers/serve-process.ts';
import { writeTask } from '../src/registry/test-helpers/tasks.ts';
import { percentile, report, round } from './lib.ts';

const RUNS = 5;

/** ms from spawn until the prompt appears on the pseudo-terminal. */
function firstPrompt(args: string, cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('script', ['-qfec', `${process.execPath} ${CLI_MAIN} console ${args}`, '/dev/null'], {
      cwd,
      env,
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (/ratchet@\S+> /.test(out)) {
        const ms = performance.now() - t0;
        child.stdin.write('\x04');
        child.on('close', () => resolve(ms));
      }
    });
    child.on('error', reject);
    setTimeout(() => reject(new Error(`no prompt after 10 s:\n${out}`)), 10_000).unref();
  });
}

function runScript(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI_MAIN, 'console', ...args], { cwd, env, stdio: 'ignore' });
    child.on('close', (code) =>
      code === 0 ? resolve(performance.now() - t0) : reject(new Error(`console exited ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  assertBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'ratchet-bench-console-'));
  const env = cleanEnv({ RATCHET_DATABASE_URL: `sqlite://${join(dir, 'r.db')}`, HOME: dir });
  await writeTask(join(dir, 'tasks', 'greet'), { name: 'greet' });
  writeFileSync(
    join(dir, 'ratchet.yaml'),
    `registry:\n  sources:\n    - { name: local, uri: "file://./tasks" }\nserver:\n  workers:\n    embedded: false\n  rate_limit:\n    enabled: false\n`,
  );
  const cfg = ['--config', 'ratchet.yaml'];
  const serve = await startServe(cfg, dir, env);
  try {
    await waitReady(serve.url);
    const local: number[] = [];
    const connected: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      local.push(await firstPrompt('--config ratchet.yaml --connect local', dir, env));
      connected.push(await firstPrompt(`--config ratchet.yaml --connect ${serve.url}`, dir, env));
    }
    const commands = ['task list', 'job list --limit 5', 'execution list --limit 5', 'stats', 'health'];
    const lines = Array.from({ length: 100 }, (_, i) => commands[i % commands.length]!);
    writeFileSync(join(dir, 'hundred.rsh'), `${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'empty.rsh'), '# nothing\n');
    const hundred: number[] = [];
    const empty: number[] = [];
    for (let i = 0; i < 3; i++) {
      empty.push(await runScript([...cfg, '--connect', serve.url, '--script', 'empty.rsh'], dir, env));
      hundred.push(await runScript([...cfg, '--connect', serve.url, '--script', 'hundred.rsh'], dir, env));
    }
    const med = (xs: number[]) => percentile(xs, 50);
    report('console', {
      firstPromptLocalMs: round(med(local), 1),
      firstPromptConnectedMs: round(med(connected), 1),
      script100TotalMs: round(med(hundred), 1),
      script100PerCommandMs: round((med(hundred) - med(empty)) / 100, 2),
      runs: RUNS,
      targets: { firstPromptMs: 400, perCommandMs: 5 },
    });
  } finally {
    serve.child.kill('SIGTERM');
    await serve.exit;
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

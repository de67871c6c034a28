// Every shell command shown in README.md is executed here against the built CLI, so the README
// cannot drift from what the binary does. `npx ratchet` runs the built dist/cli/main.js; the
// install and test-suite commands themselves (`npm ci`, `npm test`) are what CI runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chmod, cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { CLI_MAIN, assertBuilt, cleanEnv, runShell } from '../src/cli/test-helpers/cli-process.ts';
import { ROOT } from './helpers/cli.ts';

function shellCommands(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].flatMap((m) =>
    m[1]!
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#')),
  );
}

/**
 * `npm ci && X` → X; the README's install prefix is exercised by CI itself, and `npm link` (which
 * would change the machine's global bin folder) by test/install.test.ts in a temporary prefix.
 */
function runnable(line: string): string | null {
  const rest = line.replace(/^npm ci && /, '');
  if (/^npm (ci|test|link)$/.test(rest)) return null;
  return rest.replace(/\bnpx ratchet\b/g, 'ratchet');
}

/**
 * `ratchet serve` never exits by itself: run it on a free port in the background, wait for /ready,
 * check /health, then SIGTERM it and expect a clean exit 0.
 */
async function runServe(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn('/bin/sh', ['-c', `exec ${command} --port 0`], { cwd, env });
  let out = '';
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  try {
    // Until it prints its URL or exits: start-up time depends on the machine's load.
    let url: string | undefined;
    while (url === undefined && child.exitCode === null && child.signalCode === null) {
      // The start-up line on stderr tells the URL: `ratchet serving on http://127.0.0.1:PORT (…)`.
      url = /ratchet serving on (https?:\/\/[^\s"]+)/.exec(out)?.[1];
      if (url === undefined) await new Promise((r) => setTimeout(r, 25));
    }
    assert.ok(url, `${command}: no URL printed\n${out}`);
    let ready = 0;
    for (let i = 0; i < 200 && ready !== 200; i++) {
      ready = (await fetch(`${url}/ready`)).status;
      if (ready !== 200) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(ready, 200, `${command}: /ready\n${out}`);
    const health = (await (await fetch(`${url}/health`)).json()) as { status: string };
    assert.equal(health.status, 'ok');
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exit, 0, `${command}: exit after SIGTERM\n${out}`);
}

test('README.md shows commands, and each one works as written', async () => {
  assertBuilt();
  const lines = shellCommands('README.md');
  assert.ok(lines.length >= 8, `README.md has only ${lines.length} commands`);
  assert.ok(lines.includes('npm ci && npm test'), 'the README must show the test command CI runs');
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-readme-'));
  try {
    // A copy, not a link: sample/configs/example-config.yaml puts its database next to itself.
    await cp(join(ROOT, 'sample'), join(dir, 'sample'), { recursive: true });
    await writeFile(join(dir, 'ratchet'), `#!/bin/sh\nexec "${process.execPath}" "${CLI_MAIN}" "$@"\n`);
    await chmod(join(dir, 'ratchet'), 0o755);
    const env = cleanEnv({ PATH: `${dir}:${process.env.PATH ?? ''}` });
    for (const line of lines) {
      const command = runnable(line);
      if (command === null) continue;
      if (/^ratchet serve\b/.test(command)) {
        await runServe(command, dir, env);
        continue;
      }
      const r = await runShell(command, { cwd: dir, env });
      assert.equal(r.code, 0, `README command failed: ${line}\n${r.stderr}`);
      assert.notEqual(r.stdout.trim(), '', `README command printed nothing: ${line}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

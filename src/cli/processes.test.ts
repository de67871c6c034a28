// The process commands' faults and --follow, as a user sees them from the built CLI: a broken
// .runcept.toml (exit 2, file:line:column and key), an unknown process (exit 2), `supervisor
// status` with no supervisor (exit 1), and `proc logs --follow` printing lines as they come.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI_MAIN, assertBuilt, cleanEnv, runCli } from './test-helpers/cli-process.ts';
import { testProject, waitUntil } from '../supervisor/test-helpers/fixture.ts';

test('ratchet env/proc/supervisor: bad input, exit codes, logs --follow', async () => {
  assertBuilt();
  const project = await testProject(
    ({ node }) => `[project]
name = "ticker"
[[process]]
name = "tick"
command = "${node} -e \\"let i = 0; setInterval(() => console.log('tick ' + i++), 100)\\""
`,
  );
  const env = cleanEnv({ RATCHET_SUPERVISOR_DIR: project.paths.dir });
  const cli = (args: string[], cwd = project.dir) => runCli(args, { cwd, env });
  try {
    const notRunning = await cli(['supervisor', 'status', '--json']);
    assert.equal(notRunning.code, 1);
    assert.equal((JSON.parse(notRunning.stdout) as { running: boolean }).running, false);

    const broken = join(project.dir, 'broken');
    await mkdir(broken);
    await writeFile(
      join(broken, '.runcept.toml'),
      '[project]\nname = "b"\n[[process]]\nname = "x"\ncomand = "true"\n',
    );
    const bad = await cli(['env', 'activate'], broken);
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /\.runcept\.toml:5:1: process\[0\]\.comand: unknown key; did you mean "command"\?/,
    );

    assert.equal((await cli(['env', 'activate'])).code, 0);
    const unknown = await cli(['proc', 'status', 'tock']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no process "tock" in environment "ticker" \(processes: tick\)/);

    const follow = spawn(process.execPath, [CLI_MAIN, 'proc', 'logs', 'tick', '--follow', '--lines', '1'], {
      cwd: project.dir,
      env,
    });
    let out = '';
    follow.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    await waitUntil(
      () => out.split('\n').filter((l) => l.includes('[stdout] tick')).length >= 4,
      5000,
      'followed lines',
    );
    const exited = new Promise<number | null>((r) => follow.once('exit', r));
    follow.kill('SIGINT');
    assert.equal(await exited, 0);
    const ticks = out
      .split('\n')
      .filter((l) => l.includes('[stdout] tick'))
      .map((l) => Number(l.split('tick ')[1]));
    assert.deepEqual(
      ticks,
      ticks.map((_, i) => ticks[0]! + i),
      'consecutive, none lost or repeated',
    );
  } finally {
    await project.cleanup();
  }
});

// The detached daemon as users get it: started on demand by the first request (two racing
// clients get one daemon), an owner-only socket, and after a SIGKILL the next request starts a new
// daemon over the stale socket that re-adopts the live processes (still capturing the output of
// one that kept writing while no supervisor ran) and restarts the one that died.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, existsSync } from 'node:fs';
import { request } from './client.ts';
import { readLastLines } from './logs.ts';
import type { EnvironmentView } from './handlers.ts';
import { alive, freePort, testProject, waitUntil } from './test-helpers/fixture.ts';

test('started on demand once, re-adopts after SIGKILL, restarts what died, leaves nothing behind', async () => {
  const port = await freePort();
  const project = await testProject(
    ({ node }) => `[project]
name = "survivor"
[[process]]
name = "quiet"
command = "${node} server.cjs"
env = { PORT = "${port}" }
[[process]]
name = "chatty"
command = "${node} -e \\"setInterval(() => console.log('tick'), 20)\\""
[[process]]
name = "doomed"
command = "sleep 60"
auto_restart = true
restart_backoff = "0s"
`,
  );
  const { paths } = project;
  const pids: number[] = [];
  try {
    const [a, b] = (await Promise.all([
      request('status', {}, { paths }),
      request('status', {}, { paths }),
    ])) as { pid: number }[];
    assert.equal(a!.pid, b!.pid, 'both clients reach the one daemon');
    assert.equal(Number(readFileSync(paths.pidFile, 'utf8')), a!.pid);
    assert.equal(statSync(paths.socket).mode & 0o777, 0o600);
    assert.equal(statSync(paths.dir).mode & 0o777, 0o700);

    const env = (await request('activate', { path: project.dir }, { paths })) as EnvironmentView;
    const [quiet, chatty, doomed] = ['quiet', 'chatty', 'doomed'].map((n) =>
      env.processes.find((p) => p.name === n)!,
    );
    pids.push(quiet!.pid!, chatty!.pid!, doomed!.pid!);
    process.kill(a!.pid, 'SIGKILL');
    await waitUntil(() => !alive(a!.pid), 3000, 'the daemon to die');
    assert.ok(existsSync(paths.socket), 'a dead daemon leaves its socket behind');
    process.kill(doomed!.pid!, 'SIGKILL');
    // chatty keeps writing with no supervisor: its output pipe is not broken (output.ts).
    await new Promise((r) => setTimeout(r, 150));
    assert.ok(alive(chatty!.pid!) && alive(quiet!.pid!));
    const after = (await request('env_status', { env: project.dir }, { paths })) as EnvironmentView;
    const adoptedAt = Date.now();
    const status = (await request('status', {}, { paths })) as { pid: number };
    assert.notEqual(status.pid, a!.pid);
    for (const [name, was] of [
      ['quiet', quiet!],
      ['chatty', chatty!],
    ] as const) {
      const v = after.processes.find((p) => p.name === name)!;
      assert.equal(v.pid, was.pid, `${name} re-adopted, not restarted`);
      assert.equal(v.state, 'RUNNING');
    }
    // What chatty wrote while no supervisor ran, and after, is in its log.
    await waitUntil(
      () =>
        readLastLines(chatty!.log_file, 5).some(
          (l) => l.stream === 'stdout' && Date.parse(l.t) > adoptedAt + 50,
        ),
      3000,
      "chatty's output after the re-adoption to be logged",
    );
    const lines = readLastLines(chatty!.log_file, 0).map((l) => l.line);
    assert.ok(
      lines.some((l) => l.startsWith('re-adopted pid') && !l.includes('not captured')),
      lines.join('|'),
    );
    // doomed died while no supervisor ran: restarted (at once, or once the new daemon sees it go).
    await waitUntil(
      async () => {
        const v = (await request('proc_status', { env: project.dir, name: 'doomed' }, { paths })) as {
          pid: number | null;
          state: string;
        };
        return v.pid !== null && v.pid !== doomed!.pid && alive(v.pid) && v.state === 'RUNNING';
      },
      3000,
      'doomed to be restarted',
    );
    pids.push(
      ((await request('proc_status', { env: project.dir, name: 'doomed' }, { paths })) as { pid: number })
        .pid,
    );
    // The re-adopted process is still stopped as a group.
    await request('stop', { env: project.dir, name: 'quiet' }, { paths });
    assert.ok(!alive(quiet!.pid!));
  } finally {
    await project.cleanup();
  }
  for (const pid of pids) assert.ok(!alive(pid), `pid ${pid} is gone`);
});

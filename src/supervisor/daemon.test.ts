// The detached daemon as users get it: started on demand by the first request (two racing
// clients get one daemon), an owner-only socket, and after a SIGKILL the next request starts a new
// daemon over the stale socket that re-adopts the live process and restarts the one that died.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, existsSync } from 'node:fs';
import { request } from './client.ts';
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
    const [quiet, chatty] = [
      env.processes.find((p) => p.name === 'quiet')!,
      env.processes.find((p) => p.name === 'chatty')!,
    ];
    pids.push(quiet.pid!, chatty.pid!);
    process.kill(a!.pid, 'SIGKILL');
    await waitUntil(() => !alive(a!.pid), 3000, 'the daemon to die');
    assert.ok(existsSync(paths.socket), 'a dead daemon leaves its socket behind');
    // chatty's next write hits the broken pipe and it exits; quiet is still running.
    await waitUntil(() => !alive(chatty.pid!), 3000, 'chatty to exit on its broken pipe');
    assert.ok(alive(quiet.pid!));
    const after = (await request('env_status', { env: project.dir }, { paths })) as EnvironmentView;
    const status = (await request('status', {}, { paths })) as { pid: number };
    assert.notEqual(status.pid, a!.pid);
    const q = after.processes.find((p) => p.name === 'quiet')!;
    assert.equal(q.pid, quiet.pid, 're-adopted, not restarted');
    assert.equal(q.state, 'RUNNING');
    // chatty died on its broken pipe: restarted (at once, or once the new daemon sees it go).
    await waitUntil(
      async () => {
        const v = (await request('proc_status', { env: project.dir, name: 'chatty' }, { paths })) as {
          pid: number | null;
          state: string;
        };
        return v.pid !== null && v.pid !== chatty.pid && alive(v.pid) && v.state === 'RUNNING';
      },
      3000,
      'chatty to be restarted',
    );
    pids.push(
      ((await request('proc_status', { env: project.dir, name: 'chatty' }, { paths })) as { pid: number })
        .pid,
    );
    // The re-adopted process is still stopped as a group.
    await request('stop', { env: project.dir, name: 'quiet' }, { paths });
    assert.ok(!alive(quiet.pid!));
  } finally {
    await project.cleanup();
  }
  for (const pid of pids) assert.ok(!alive(pid), `pid ${pid} is gone`);
});

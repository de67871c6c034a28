// The supervisor with real node servers, in this process (its socket in a temp folder): start in
// dependency order gated on health, crash → restart with backoff, crash loop → FAILED with the last
// output, a command that does not exist, unhealthy → restart, stop escalating to SIGKILL with no
// grandchild left, idle shutdown, and logs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Daemon } from './daemon.ts';
import { request } from './client.ts';
import { readLastLines } from './logs.ts';
import type { EnvironmentView } from './handlers.ts';
import type { ProcessView } from './environment.ts';
import { alive, freePort, testProject, waitUntil } from './test-helpers/fixture.ts';

type Proc = ProcessView & { environment: string };
type Call = (m: string, p?: Record<string, unknown>) => Promise<unknown>;

async function withDaemon(
  toml: (p: { dir: string; node: string }) => string,
  body: (call: Call, dir: string) => Promise<void>,
): Promise<void> {
  const project = await testProject(toml);
  const daemon = new Daemon(project.paths);
  assert.equal(await daemon.start(), true);
  const call: Call = (m, p = {}) =>
    request(m, { env: project.dir, ...p }, { paths: project.paths, autostart: false });
  try {
    await body(call, project.dir);
  } finally {
    await daemon.shutdown(true);
    await project.cleanup();
  }
}

const proc = async (call: Call, name: string): Promise<Proc> => (await call('proc_status', { name })) as Proc;
const until = (call: Call, name: string, pred: (p: Proc) => boolean, ms = 5000): Promise<void> =>
  waitUntil(async () => pred(await proc(call, name)), ms, `${name}`);

test('dependency order gated on health; reverse-order stop; logs as JSON lines', async () => {
  const [dbPort, apiPort] = [await freePort(), await freePort()];
  await withDaemon(
    ({ node }) => `[project]
name = "deps"
[[process]]
name = "api"
command = "${node} server.cjs"
env = { PORT = "${apiPort}" }
depends_on = ["db"]
[[process]]
name = "db"
command = "sleep 0.3; exec ${node} server.cjs"
env = { PORT = "${dbPort}" }
health_check = "http://127.0.0.1:${dbPort}/"
health_check_interval = "1s"
`,
    async (call, dir) => {
      const env = (await call('activate', { path: dir })) as EnvironmentView;
      assert.equal(env.name, 'deps');
      const db = env.processes.find((p) => p.name === 'db')!;
      const api = env.processes.find((p) => p.name === 'api')!;
      // api starts only after db answered its health check.
      assert.equal(db.state, 'HEALTHY');
      assert.equal(api.state, 'RUNNING');
      assert.ok(api.pid && db.pid);
      await until(call, 'api', (p) =>
        readLastLines(p.log_file, 10).some((l) => l.line === `listening on ${apiPort}`),
      );
      const dbHealthy = readLastLines(db.log_file, 50).find((l) => l.line.startsWith('listening'))!.t;
      const apiStarted = readLastLines(api.log_file, 50).find((l) => l.line.startsWith('started pid'))!.t;
      assert.ok(apiStarted >= dbHealthy, `api started ${apiStarted} before db listened ${dbHealthy}`);
      // Stopping db stops api first.
      await call('stop', { name: 'db' });
      const after = (await call('list')) as Proc[];
      assert.deepEqual(
        after.map((p) => [p.name, p.state]),
        [
          ['db', 'STOPPED'],
          ['api', 'STOPPED'],
        ],
      );
      assert.ok(!alive(api.pid) && !alive(db.pid));
      const lines = readLastLines(api.log_file, 3);
      assert.equal(lines.at(-1)!.stream, 'supervisor');
      assert.match(lines.at(-1)!.line, /^process killed by SIGTERM$/);
    },
  );
});

test('crash → restart with backoff; crash loop → FAILED with the last lines; missing command → FAILED at once', async () => {
  const port = await freePort();
  await withDaemon(
    ({ node }) => `[project]
name = "crashy"
[[process]]
name = "flaky"
command = "${node} server.cjs"
env = { PORT = "${port}", CRASH_AFTER_MS = "150" }
auto_restart = true
restart_backoff = "50ms"
max_restarts = 2
restart_window = "1m"
[[process]]
name = "typo"
command = "no-such-command-xyz --serve"
auto_restart = true
[[process]]
name = "forker"
command = "sleep 60 & echo $!; exit 0"
auto_restart = true
[[process]]
name = "again"
command = "echo done"
auto_restart = "always"
restart_backoff = "20ms"
max_restarts = 100
`,
    async (call, dir) => {
      await call('activate', { path: dir });
      await until(call, 'flaky', (p) => p.restarts >= 1 && p.pid !== null);
      await until(call, 'flaky', (p) => p.state === 'FAILED');
      const failed = await proc(call, 'flaky');
      assert.equal(failed.restarts, 2);
      assert.match(failed.error!, /crash loop: crashed \(exit code 1\), after 2 restarts within 60000 ms/);
      assert.ok(failed.last_lines.includes('boom'), failed.last_lines.join('|'));
      const log = readLastLines(failed.log_file, 100).map((l) => l.line);
      assert.ok(log.includes('crashed (exit code 1); restarting in 50 ms'));
      assert.ok(log.includes('crashed (exit code 1); restarting in 100 ms'), 'the second delay doubles');
      const typo = await proc(call, 'typo');
      assert.equal(typo.state, 'FAILED');
      assert.equal(typo.restarts, 0);
      assert.match(typo.error!, /command cannot run \(exit code 127\): .*no-such-command-xyz.*not found/);
      // A leader that forks and exits 0: STOPPED (a clean exit is no crash: not restarted with
      // auto_restart = true), and what it left in its group is killed.
      await until(call, 'forker', (p) => p.state === 'STOPPED' && p.last_exit === 'exit code 0');
      const forker = await proc(call, 'forker');
      assert.equal(forker.restarts, 0);
      // auto_restart = "always" restarts after a clean exit too.
      await until(call, 'again', (p) => p.restarts >= 2);
      const orphan = Number(readLastLines(forker.log_file, 10).find((l) => l.stream === 'stdout')!.line);
      assert.ok(orphan > 0 && !alive(orphan), `the backgrounded sleep ${orphan} is gone`);
    },
  );
});

test('unhealthy → restart; stop escalates to SIGKILL on the group, no grandchild left', async () => {
  const [port, port2] = [await freePort(), await freePort()];
  await withDaemon(
    ({ node, dir }) => `[project]
name = "health"
[[process]]
name = "sick"
command = "${node} server.cjs"
env = { PORT = "${port}", SICK_FILE = "${join(dir, 'sick')}" }
health_check = "http://127.0.0.1:${port}/"
health_check_interval = "100ms"
health_check_threshold = 2
auto_restart = true
restart_backoff = "0s"
[[process]]
name = "stubborn"
command = "${node} server.cjs"
env = { PORT = "${port2}", IGNORE_TERM = "1", FORK = "1" }
stop_timeout = "300ms"
`,
    async (call, dir) => {
      await call('activate', { path: dir });
      const first = await proc(call, 'sick');
      assert.equal(first.state, 'HEALTHY');
      await writeFile(join(dir, 'sick'), '');
      await until(call, 'sick', (p) => p.restarts === 1 && p.pid !== first.pid);
      await rm(join(dir, 'sick'));
      await until(call, 'sick', (p) => p.state === 'HEALTHY');
      assert.ok(!alive(first.pid!));
      const log = readLastLines(first.log_file, 100).map((l) => l.line);
      assert.ok(
        log.some((l) => /^unhealthy: 2 health checks failed in a row \(last: HTTP 500\)$/.test(l)),
        log.join('\n'),
      );

      const stubborn = await proc(call, 'stubborn');
      await waitUntil(() =>
        readLastLines(stubborn.log_file, 20).some((l) => l.line.startsWith('grandchild ')),
      );
      const grandchild = Number(
        readLastLines(stubborn.log_file, 20)
          .find((l) => l.line.startsWith('grandchild '))!
          .line.split(' ')[1],
      );
      assert.ok(alive(grandchild));
      const t0 = Date.now();
      const stopped = (await call('stop', { name: 'stubborn' })) as Proc;
      assert.equal(stopped.state, 'STOPPED');
      assert.ok(Date.now() - t0 >= 300, 'waited stop_timeout before SIGKILL');
      assert.ok(!alive(stubborn.pid!) && !alive(grandchild), 'leader and grandchild are gone');
      const lines = readLastLines(stubborn.log_file, 5).map((l) => l.line);
      assert.ok(lines.includes('still running 300 ms after SIGTERM: SIGKILL'), lines.join('\n'));
    },
  );
});

test('an environment idle past inactivity_timeout is deactivated; status shows the time left', async () => {
  const port = await freePort();
  await withDaemon(
    ({ node }) => `[project]
name = "idle"
inactivity_timeout = "2s"
[[process]]
name = "web"
command = "${node} server.cjs"
env = { PORT = "${port}" }
`,
    async (call, dir) => {
      const env = (await call('activate', { path: dir })) as EnvironmentView;
      assert.equal(env.inactivity_timeout_seconds, 2);
      // The clock starts before activation returns: on a loaded 2-core CI run, starting the process
      // and answering took over 300 ms, which a 600 ms timeout could not absorb.
      assert.ok(env.time_left_seconds! > 1 && env.time_left_seconds! <= 2, String(env.time_left_seconds));
      const pid = env.processes[0]!.pid!;
      // list_envs is not a command naming the environment: it does not keep it awake.
      await waitUntil(
        async () => ((await call('list_envs')) as { active: boolean }[])[0]!.active === false,
        8000,
      );
      assert.ok(!alive(pid));
    },
  );
});

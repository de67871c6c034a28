// `server.workers.processes: 2`: `ratchet serve` (the built CLI) runs two `ratchet worker`
// processes and supervises them. Both register in /api/v1/workers; one SIGKILLed is replaced
// while jobs keep completing; `ratchet ps` lists them (published by serve in the supervisor
// folder); SIGTERM stops the server and its workers, and a server SIGKILLed itself leaves no
// worker behind (they notice and stop) and drops out of `ps`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { supervisorPaths } from '../src/supervisor/paths.ts';
import { listServeProcesses } from '../src/supervisor/serve-registry.ts';
import { stopSupervisor } from '../src/supervisor/test-helpers/fixture.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI_MAIN, assertBuilt, cleanEnv } from '../src/cli/test-helpers/cli-process.ts';
import { startServerCommand, waitReady } from './helpers/server-process.ts';
import { SAMPLES } from './helpers/cli.ts';

interface Worker {
  id: string;
  pid: number;
  status: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

test('serve supervises its worker processes: listed, replaced after SIGKILL, stopped with it', async () => {
  assertBuilt();
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-serve-workers-'));
  const paths = supervisorPaths({ RATCHET_SUPERVISOR_DIR: join(dir, 'supervisor') });
  const env = cleanEnv({ RATCHET_SUPERVISOR_DIR: paths.dir });
  const serverPidOf = async (workerPid: number): Promise<number> =>
    Number((await readFile(`/proc/${workerPid}/stat`, 'utf8')).split(') ')[1]!.split(' ')[1]);
  try {
    await cp(join(SAMPLES, 'addition'), join(dir, 'tasks', 'addition'), { recursive: true });
    await writeFile(
      join(dir, 'ratchet.yaml'),
      'server:\n  database:\n    url: sqlite://./ratchet.db\n  workers:\n    embedded: false\n    processes: 2\n    worker_count: 1\n    health_check_interval_seconds: 1\n',
    );
    const server = await startServerCommand(
      `"${process.execPath}" "${CLI_MAIN}" serve --port 0 --config ratchet.yaml`,
      { cwd: dir, env },
    );
    let stopped = false;
    try {
      await waitReady(server.url);
      const online = async () => {
        const res = await fetch(`${server.url}/api/v1/workers?limit=50`);
        const workers = ((await res.json()) as { data: Worker[] }).data;
        return workers.filter((w) => w.status === 'ONLINE');
      };
      const first = await until('two worker processes', async () => {
        const w = await online();
        return w.length === 2 ? w : undefined;
      });
      assert.deepEqual(first.map((w) => w.id.replace(/^.*-(w\d)$/, '$1')).sort(), ['w1', 'w2']);
      assert.match(server.output(), /supervising 2 worker process\(es\)/);
      // `ratchet ps` shows them, under the server's pid.
      const { stdout } = await promisify(execFile)(process.execPath, [CLI_MAIN, 'ps', '--json'], {
        cwd: dir,
        env,
      });
      const serverPid = await serverPidOf(first[0]!.pid);
      const rows = (JSON.parse(stdout) as { environment: string; name: string; pid: number; state: string }[])
        .filter((r) => r.environment === `serve ${serverPid}`)
        .map((r) => `${r.name} ${r.pid}`)
        .sort();
      const byId = (n: string) => first.find((w) => w.id.endsWith(`-w${n}`))!.pid;
      assert.deepEqual(rows, [`worker-1 ${byId('1')}`, `worker-2 ${byId('2')}`]);

      const victim = first[0]!;
      process.kill(victim.pid, 'SIGKILL');
      // Jobs keep completing meanwhile, and the victim's replacement comes online.
      const jobs = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const res = await fetch(`${server.url}/api/v1/jobs`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ taskId: 'addition', input: { num1: i, num2: 1 } }),
          });
          return ((await res.json()) as { data: { id: number } }).data.id;
        }),
      );
      for (const id of jobs) {
        await until(`job ${id} to complete`, async () => {
          const res = await fetch(`${server.url}/api/v1/jobs/${id}`);
          const job = ((await res.json()) as { data: { status: string } }).data;
          return job.status === 'COMPLETED' ? true : undefined;
        });
      }
      const replaced = await until('the killed worker to be replaced', async () => {
        const w = (await online()).find((x) => x.id === victim.id && x.pid !== victim.pid);
        return w;
      });
      assert.ok(alive(replaced.pid));

      const pids = (await online()).map((w) => w.pid);
      assert.equal(await server.stop(), 0);
      stopped = true;
      assert.deepEqual(listServeProcesses(paths), [], 'a stopped server is no longer listed');
      for (const pid of pids)
        await until(`worker ${pid} to exit`, async () => (alive(pid) ? undefined : true), 15_000);
    } finally {
      if (!stopped) await server.stop();
    }

    // A server killed outright: its workers notice they lost their parent and stop.
    const again = await startServerCommand(
      `"${process.execPath}" "${CLI_MAIN}" serve --port 0 --config ratchet.yaml`,
      { cwd: dir, env },
    );
    const workers = await until('two worker processes again', async () => {
      const res = await fetch(`${again.url}/api/v1/workers?limit=50&status=ONLINE`);
      const list = ((await res.json()) as { data: Worker[] }).data.filter(
        (w) => w.status === 'ONLINE' && alive(w.pid),
      );
      return list.length === 2 ? list : undefined;
    });
    const serverPid = await serverPidOf(workers[0]!.pid);
    assert.equal(listServeProcesses(paths).length, 2);
    process.kill(serverPid, 'SIGKILL');
    await again.stop();
    // Its file stays behind; the reader sees the server is gone and removes it.
    assert.ok(existsSync(join(paths.dir, `serve-${serverPid}.json`)));
    assert.deepEqual(listServeProcesses(paths), []);
    assert.ok(!existsSync(join(paths.dir, `serve-${serverPid}.json`)));
    for (const w of workers)
      await until(`orphaned worker ${w.pid} to exit`, async () => (alive(w.pid) ? undefined : true), 15_000);
  } finally {
    await stopSupervisor(paths);
    await rm(dir, { recursive: true, force: true });
  }
});

// Real processes for supervisor tests: a temp project folder with a small node HTTP server
// (server.cjs), a free port per server, and a temp supervisor folder per test
// (RATCHET_SUPERVISOR_DIR) whose daemon, if one was started, is stopped at the end, and every
// process it ran is checked to be gone.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { supervisorPaths, type SupervisorPaths } from '../paths.ts';
import { request } from '../client.ts';
import { groupAlive } from '../proc-stats.ts';

// Options by env: SICK_FILE (answer 500 while it exists), IGNORE_TERM=1, FORK=1 (a grandchild
// sleeper in the same group), CRASH_AFTER_MS (exit 1 after that long).
export const SERVER = `
const http = require('node:http');
const fs = require('node:fs');
const { spawn } = require('node:child_process');
const port = Number(process.env.PORT);
if (process.env.IGNORE_TERM) process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
if (process.env.FORK) { const c = spawn(process.execPath, ['-e', 'process.on("SIGTERM",()=>{});setInterval(()=>{},1000)'], { stdio: 'ignore' }); console.log('grandchild ' + c.pid); }
if (process.env.CRASH_AFTER_MS) setTimeout(() => { console.error('boom'); process.exit(1); }, Number(process.env.CRASH_AFTER_MS));
http.createServer((req, res) => {
  const sick = process.env.SICK_FILE && fs.existsSync(process.env.SICK_FILE);
  res.writeHead(sick ? 500 : 200); res.end(sick ? 'sick' : 'ok');
}).listen(port, '127.0.0.1', () => console.log('listening on ' + port));
`;

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface TestProject {
  dir: string;
  paths: SupervisorPaths;
  node: string;
  cleanup(): Promise<void>;
}

/** A project folder holding server.cjs and `toml` as .runcept.toml, and its own supervisor folder. */
export async function testProject(toml: (p: { dir: string; node: string }) => string): Promise<TestProject> {
  const dir = await mkdtemp(join(tmpdir(), 'runcept-proj-'));
  const supDir = await mkdtemp(join(tmpdir(), 'runcept-sup-'));
  const paths = supervisorPaths({ RATCHET_SUPERVISOR_DIR: supDir });
  const node = process.execPath;
  await writeFile(join(dir, 'server.cjs'), SERVER);
  await writeFile(join(dir, '.runcept.toml'), toml({ dir, node }));
  return {
    dir,
    paths,
    node,
    async cleanup() {
      await stopSupervisor(paths);
      await rm(dir, { recursive: true, force: true });
      await rm(supDir, { recursive: true, force: true });
    },
  };
}

/** Stops a daemon started in `paths` (if any) and waits until its pid is gone. */
export async function stopSupervisor(paths: SupervisorPaths): Promise<void> {
  let pid: number | undefined;
  try {
    pid = Number(readFileSync(paths.pidFile, 'utf8'));
  } catch {
    return;
  }
  await request('shutdown', {}, { paths, autostart: false }).catch(() => undefined);
  await waitUntil(() => !groupAlive(pid) && !alive(pid), 10_000);
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

export async function waitUntil(
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

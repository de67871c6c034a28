// The process supervisor (built daemon from dist/, its own folder via RATCHET_SUPERVISOR_DIR):
// - crash-to-respawn: a supervised `sleep` is SIGKILLed and the socket polled until a new pid
//   runs (restart_backoff 0s); p50/p99 over the samples (targets: p50 ≤ 20 ms);
// - the `list` round trip over the socket, p50 (target ≤ 2 ms), and `ratchet proc list` as a
//   whole process (node start included), p50;
// - the daemon's CPU (percent of one core) and RSS with 20 processes, each HTTP health-checked
//   every second (against one small server in this process), over a 10 s window (targets ≤ 1 %,
//   ≤ 60 MB).
// Run: npx node bench/supervisor.ts   (build first: npx tsc -p tsconfig.build.json)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, report, round } from './lib.ts';
import type * as ClientTypes from '../src/supervisor/client.ts';

type ClientModule = typeof ClientTypes;

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
if (!existsSync(join(DIST, 'supervisor/client.js')))
  throw new Error('build first: npx tsc -p tsconfig.build.json');
const client = (await import(join(DIST, 'supervisor/client.js'))) as ClientModule;

const root = mkdtempSync(join(tmpdir(), 'ratchet-bench-sup-'));
process.env['RATCHET_SUPERVISOR_DIR'] = join(root, 'supervisor');
const call = (method: string, params: Record<string, unknown> = {}): Promise<unknown> =>
  client.request(method, params);
type Proc = { pid: number | null; state: string };

function project(name: string, body: string): string {
  const dir = join(root, name);
  execFileSync('mkdir', ['-p', dir]);
  writeFileSync(join(dir, '.runcept.toml'), `[project]\nname = "${name}"\n${body}`);
  return dir;
}

function cpuTicks(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]);
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return round(Number(m?.[1] ?? 0) / 1024, 1);
}

try {
  // Crash to respawn.
  const crash = project(
    'crash',
    `[[process]]\nname = "victim"\ncommand = "sleep 3600"\nauto_restart = true\nrestart_backoff = "0s"\nmax_restarts = 100000\n`,
  );
  await call('activate', { path: crash });
  const respawn: number[] = [];
  for (let i = 0; i < 60; i++) {
    const before = (await call('proc_status', { env: crash, name: 'victim' })) as Proc;
    const t0 = performance.now();
    process.kill(before.pid!, 'SIGKILL');
    for (;;) {
      const now = (await call('proc_status', { env: crash, name: 'victim' })) as Proc;
      if (now.pid !== null && now.pid !== before.pid) break;
    }
    respawn.push(performance.now() - t0);
  }
  // Round trips.
  const trips: number[] = [];
  for (let i = 0; i < 500; i++) {
    const t0 = performance.now();
    await call('list', { env: crash });
    trips.push(performance.now() - t0);
  }
  const cli: number[] = [];
  for (let i = 0; i < 8; i++) {
    const t0 = performance.now();
    execFileSync(process.execPath, [join(DIST, 'cli/main.js'), 'proc', 'list', '--env', crash], {
      env: process.env,
    });
    cli.push(performance.now() - t0);
  }
  await call('deactivate', { env: crash });

  // 20 processes, each HTTP health-checked every second.
  const server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const many = project(
    'many',
    Array.from(
      { length: 20 },
      (_, i) =>
        `[[process]]\nname = "p${i}"\ncommand = "sleep 3600"\nhealth_check = "http://127.0.0.1:${port}/p${i}"\nhealth_check_interval = "1s"\n`,
    ).join('\n'),
  );
  const env = (await call('activate', { path: many })) as { processes: Proc[] };
  const healthy = env.processes.filter((p) => p.state === 'HEALTHY').length;
  const daemon = ((await call('status')) as { pid: number }).pid;
  await new Promise((r) => setTimeout(r, 3000)); // settle
  const t0 = performance.now();
  const c0 = cpuTicks(daemon);
  await new Promise((r) => setTimeout(r, 10_000));
  const cpuPercent = round(((cpuTicks(daemon) - c0) * 10 * 100) / (performance.now() - t0), 2);
  const rss = rssMb(daemon);
  await call('deactivate', { env: many });
  server.close();

  report('supervisor', {
    crashToRespawnMs: { p50: percentile(respawn, 50), p99: percentile(respawn, 99), samples: respawn.length },
    socketListRoundTripMs: { p50: percentile(trips, 50), p99: percentile(trips, 99), samples: trips.length },
    cliProcListMs: { p50: percentile(cli, 50), samples: cli.length },
    twentyHealthChecked: { healthy, cpuPercentOfOneCore: cpuPercent, rssMb: rss, windowSeconds: 10 },
  });
} finally {
  await client.request('shutdown', {}, { autostart: false }).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 500));
  rmSync(root, { recursive: true, force: true });
}

// One health check, bounded by its timeout: HTTP answers 2xx, TCP accepts a connection, or a
// command exits 0 (run in its own process group, killed whole on timeout).
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import type { HealthCheck } from './project.ts';

export interface HealthResult {
  ok: boolean;
  /** Why it failed (status, connection error, exit code, timeout). */
  detail: string;
}

export async function runHealthCheck(
  check: HealthCheck,
  timeoutMs: number,
  /** Only a command check uses it (a function: building the environment is not free). */
  opts: () => { cwd: string; env: NodeJS.ProcessEnv },
): Promise<HealthResult> {
  if (check.kind === 'http') return httpCheck(check.url, timeoutMs);
  if (check.kind === 'tcp') return tcpCheck(check.host, check.port, timeoutMs);
  if (check.kind === 'probe')
    return check.probe().catch((err: Error) => ({ ok: false, detail: err.message }));
  return commandCheck(check.command, timeoutMs, opts());
}

// node:http rather than fetch: a check is one small GET, and undici's fetch costs the daemon
// tens of MB and measurably more CPU with twenty checks a second (bench/supervisor.ts). Loaded on
// the first HTTP check with getBuiltinModule, not `import`: an ES import of node:http builds its
// whole namespace, whose WebSocket / EventSource getters load undici (~15 MB of RSS).
function httpCheck(url: string, timeoutMs: number): Promise<HealthResult> {
  return new Promise((resolve) => {
    const get = url.startsWith('https:')
      ? process.getBuiltinModule('node:https').get
      : process.getBuiltinModule('node:http').get;
    const req = get(url, { timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      resolve({ ok: status >= 200 && status < 300, detail: `HTTP ${status}` });
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` });
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, detail: err.code ?? err.message }));
  });
}

function tcpCheck(host: string, port: number, timeoutMs: number): Promise<HealthResult> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (r: HealthResult): void => {
      socket.destroy();
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(
      () => done({ ok: false, detail: `no connection within ${timeoutMs} ms` }),
      timeoutMs,
    );
    socket.once('connect', () => done({ ok: true, detail: 'connected' }));
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done({ ok: false, detail: err.code ?? err.message }),
    );
  });
}

function commandCheck(
  command: string,
  timeoutMs: number,
  opts: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<HealthResult> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { ...opts, detached: true, stdio: 'ignore' });
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
      resolve({ ok: false, detail: `still running after ${timeoutMs} ms` });
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ ok: false, detail: err.message });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ ok: code === 0, detail: signal ? `killed by ${signal}` : `exit ${code}` });
    });
  });
}

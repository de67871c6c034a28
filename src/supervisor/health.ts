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
  opts: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<HealthResult> {
  if (check.kind === 'http') return httpCheck(check.url, timeoutMs);
  if (check.kind === 'tcp') return tcpCheck(check.host, check.port, timeoutMs);
  return commandCheck(check.command, timeoutMs, opts);
}

async function httpCheck(url: string, timeoutMs: number): Promise<HealthResult> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await res.body?.cancel();
    return { ok: res.status >= 200 && res.status < 300, detail: `HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return {
      ok: false,
      detail: e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.message),
    };
  }
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

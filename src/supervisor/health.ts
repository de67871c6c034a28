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

// A plain http:// check is one GET written on a TCP socket, judged by the status line: neither
// fetch (undici costs the daemon tens of MB) nor node:http (a parser, an agent and a request
// object per check), which with twenty checks a second is most of the daemon's CPU
// (bench/supervisor.ts). https:// goes through node:https, loaded on first use with
// getBuiltinModule: an ES import of node:http(s) builds its whole namespace, whose WebSocket getter
// loads undici (~15 MB of RSS).
function httpCheck(url: string, timeoutMs: number): Promise<HealthResult> {
  const u = new URL(url);
  if (u.protocol === 'https:') return httpsCheck(url, timeoutMs);
  return new Promise((resolve) => {
    const socket = connect({ host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(u.port || 80) });
    let head = '';
    const done = (r: HealthResult): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(
      () => done({ ok: false, detail: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    socket.setEncoding('latin1');
    socket.once('connect', () =>
      socket.write(
        `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUser-Agent: ratchet-supervisor\r\nConnection: close\r\n\r\n`,
      ),
    );
    socket.on('data', (data: string) => {
      head += data;
      const eol = head.indexOf('\r\n');
      if (eol < 0 && head.length < 1024) return;
      const m = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(head.slice(0, eol < 0 ? head.length : eol));
      if (!m) return done({ ok: false, detail: 'not an HTTP answer' });
      const status = Number(m[1]);
      done({ ok: status >= 200 && status < 300, detail: `HTTP ${status}` });
    });
    socket.once('end', () => done({ ok: false, detail: 'connection closed without an answer' }));
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done({ ok: false, detail: err.code ?? err.message }),
    );
  });
}

function httpsCheck(url: string, timeoutMs: number): Promise<HealthResult> {
  return new Promise((resolve) => {
    const req = process
      .getBuiltinModule('node:https')
      .get(url, { timeout: timeoutMs, agent: false }, (res) => {
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

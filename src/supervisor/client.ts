// Talking to the supervisor: one JSON line per request over its Unix socket. The first command
// that needs it starts it (detached, output to its log file); when two start it at once, one wins
// the pid file and the other exits, and both clients connect to the winner.
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ensureDir, supervisorPaths, type SupervisorPaths } from './paths.ts';

export class SupervisorRequestError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'SupervisorRequestError';
    this.code = code;
  }
}

export class SupervisorUnavailable extends Error {}

interface Reply {
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string };
}

function once(paths: SupervisorPaths, method: string, params: Record<string, unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = connect(paths.socket);
    let buffer = '';
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write(`${JSON.stringify({ id: 1, method, params })}\n`));
    socket.on('data', (d: string) => {
      buffer += d;
      const nl = buffer.indexOf('\n');
      if (nl < 0) return;
      socket.end();
      const reply = JSON.parse(buffer.slice(0, nl)) as Reply;
      if (reply.ok) resolve(reply.result);
      else
        reject(
          new SupervisorRequestError(
            reply.error?.code ?? 'error',
            reply.error?.message ?? 'supervisor error',
          ),
        );
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        ['ENOENT', 'ECONNREFUSED'].includes(err.code ?? '') ? new SupervisorUnavailable(err.message) : err,
      );
    });
    socket.once('close', () => reject(new SupervisorUnavailable('the supervisor closed the connection')));
  });
}

/** Starts a supervisor in the background (it exits at once when another one is running). */
export function spawnSupervisor(paths: SupervisorPaths = supervisorPaths()): void {
  ensureDir(paths);
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const entry = fileURLToPath(new URL(`./daemon-main${ext}`, import.meta.url));
  const out = openSync(paths.log, 'a', 0o600);
  // Memory flags (bench/supervisor.ts): a small young generation (Node's default semi-spaces would
  // be most of its RSS), and no optimizing compilers (Maglev, TurboFan): the daemon's hot paths
  // are a few small functions whose interpreted / baseline code is fast enough, and what the
  // optimizers allocate on their threads stays in the process (~10 MB after a few hundred requests).
  const child = spawn(process.execPath, ['--max-semi-space-size=1', '--no-opt', '--no-maglev', entry], {
    detached: true,
    // Not the caller's folder: the daemon outlives it (clients send absolute paths).
    cwd: paths.dir,
    stdio: ['ignore', out, out],
    env: { ...process.env, RATCHET_SUPERVISOR_DIR: paths.dir },
  });
  closeSync(out);
  child.unref();
}

export interface RequestOptions {
  paths?: SupervisorPaths;
  /** Start the supervisor when none answers (default true). */
  autostart?: boolean;
  /** How long to wait for a started supervisor to answer (default 10 s). */
  startTimeoutMs?: number;
}

export async function request(
  method: string,
  params: Record<string, unknown> = {},
  opts: RequestOptions = {},
): Promise<unknown> {
  const paths = opts.paths ?? supervisorPaths();
  try {
    return await once(paths, method, params);
  } catch (err) {
    if (!(err instanceof SupervisorUnavailable) || opts.autostart === false) throw err;
  }
  spawnSupervisor(paths);
  const deadline = Date.now() + (opts.startTimeoutMs ?? 10_000);
  for (;;) {
    await new Promise((r) => setTimeout(r, 25));
    try {
      return await once(paths, method, params);
    } catch (err) {
      if (!(err instanceof SupervisorUnavailable) || Date.now() > deadline) {
        throw err instanceof SupervisorUnavailable
          ? new SupervisorUnavailable(
              `the supervisor did not start within ${opts.startTimeoutMs ?? 10_000} ms; see ${paths.log}`,
            )
          : err;
      }
    }
  }
}

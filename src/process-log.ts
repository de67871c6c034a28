// Where long-running commands (`serve`, `worker`, `mcp-serve`) tell what happens outside a request:
// start-up, sync results, worker and scheduler problems. logging.format `pretty` writes each as a
// plain line on stderr; `json` writes pino JSON lines on stderr (level from logging.level; lines
// starting "error:" or "warning:" at those levels), the same shape as the request log, so a log
// collector reads every line the process writes. logging.destination file sends them to the log file.
import { hostname } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type pinoModule from 'pino';
import type { RatchetConfig } from './config/schema.ts';
import { logFileStream } from './log-file.ts';

export type Say = (line: string) => void;

export const toStderr: Say = (line) => void process.stderr.write(`${line}\n`);

/**
 * For the one line a process must always tell, whatever logging.level says (`serve`'s URL, which
 * scripts read): an info line in the configured format, written even when the level is warn.
 */
export function processAnnounce(logging: RatchetConfig['logging']): Say {
  return processLog({ ...logging, level: 'info' });
}

export function processLog(logging: RatchetConfig['logging']): Say {
  // logging.destination file: the same lines, to the rotated log file (log-file.ts).
  const file = logging.destination === 'file' ? logFileStream(logging.file_config) : undefined;
  const withCaller = logging.context.include_file_location;
  if (logging.format !== 'json') {
    const write: Say = file ? (line) => void file.write(`${new Date().toISOString()} ${line}\n`) : toStderr;
    if (!withCaller) return write;
    return (line) => write(`${line} (at ${callerOfSay()})`);
  }
  const base = logging.context.enabled ? { pid: process.pid, hostname: hostname() } : undefined;
  // Required here, synchronously, only for JSON logs: pino and its ten dependencies are most of
  // what a short command would otherwise load for nothing.
  const pino = createRequire(import.meta.url)('pino') as typeof pinoModule;
  const logger = pino({ level: logging.level, base }, file ?? pino.destination({ fd: 2, sync: true }));
  return (line) => {
    const fields = withCaller ? { caller: callerOfSay() } : {};
    if (line.startsWith('error:')) logger.error(fields, line);
    else if (line.startsWith('warning:')) logger.warn(fields, line);
    else logger.info(fields, line);
  };
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * `src/server/serve.ts:81` (or `dist/…js:…` when built): the frame that called a Say returned
 * above. Frames: this function, the Say closure, then its caller.
 */
function callerOfSay(): string {
  const frame = new Error().stack?.split('\n')[3] ?? '';
  const m = /\(?(?:file:\/\/)?([^()\s]+):(\d+):\d+\)?\s*$/.exec(frame);
  if (!m) return 'unknown';
  const file = m[1]!.startsWith(ROOT) ? m[1]!.slice(ROOT.length) : m[1]!;
  return `${file}:${m[2]!}`;
}

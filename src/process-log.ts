// Where long-running commands (`serve`, `worker`, `mcp-serve`) tell what happens outside a request:
// start-up, sync results, worker and scheduler problems. logging.format `pretty` writes each as a
// plain line on stderr; `json` writes pino JSON lines on stderr (level from logging.level; lines
// starting "error:" or "warning:" at those levels), the same shape as the request log, so a log
// collector reads every line the process writes.
import pino from 'pino';
import type { RatchetConfig } from './config/schema.ts';

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
  if (logging.format !== 'json') return toStderr;
  const logger = pino({ level: logging.level, base: undefined }, pino.destination({ fd: 2, sync: true }));
  return (line) => {
    if (line.startsWith('error:')) logger.error(line);
    else if (line.startsWith('warning:')) logger.warn(line);
    else logger.info(line);
  };
}

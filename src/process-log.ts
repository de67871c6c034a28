// Where long-running commands (`serve`, `worker`, `mcp-serve`) tell what happens outside a request:
// start-up, sync results, worker and scheduler problems. logging.format `pretty` writes each as a
// plain line on stderr; `json` writes pino JSON lines on stderr (level from logging.level; lines
// starting "error:" or "warning:" at those levels), the same shape as the request log, so a log
// collector reads every line the process writes. logging.destination file sends them to the log file.
import pino from 'pino';
import type { RatchetConfig } from './config/schema.ts';
import { logFileStream } from './log-file.ts';

export type Say = (line: string) => void;

export const toStderr: Say = (line) => void process.stderr.write(`${line}\n`);

export function processLog(logging: RatchetConfig['logging']): Say {
  // logging.destination file: the same lines, to the rotated log file (log-file.ts).
  const file = logging.destination === 'file' ? logFileStream(logging.file_config) : undefined;
  if (logging.format !== 'json') {
    if (!file) return toStderr;
    return (line) => void file.write(`${new Date().toISOString()} ${line}\n`);
  }
  const logger = pino(
    { level: logging.level, base: undefined },
    file ?? pino.destination({ fd: 2, sync: true }),
  );
  return (line) => {
    if (line.startsWith('error:')) logger.error(line);
    else if (line.startsWith('warning:')) logger.warn(line);
    else logger.info(line);
  };
}

// logging.destination "file": every log line of the process (the request log and what serve and
// worker say outside requests) goes to logging.file_config.path, rotated by size with pino-roll
// (kept rather than written here: numbering, cleanup of old files and flushing before a roll are
// easy to get subtly wrong). pino-roll numbers the files: `console.log` is written as console.1.log,
// then console.2.log once it passes max_size_mb, and so on; the highest number is the current file
// and max_files of them are kept.
import { Writable } from 'node:stream';
import type build from 'pino-roll';
import type { RatchetConfig } from './config/schema.ts';

type FileConfig = RatchetConfig['logging']['file_config'];
type Roll = Awaited<ReturnType<typeof build>>;

/** One stream per file in this process: two rollers on one file would number over each other. */
const open = new Map<string, { stream: Writable; ready: Promise<Roll | undefined> }>();

/**
 * A stream to the rotated log file, usable at once: lines written before the file is open are
 * kept and written when it is. If it cannot be opened, one line says why on stderr and the lines
 * go to stderr instead (a logging problem must not stop the server).
 */
export function logFileStream(config: FileConfig): Writable {
  const existing = open.get(config.path);
  if (existing) return existing.stream;
  let roll: Roll | undefined;
  let fallback = false;
  const pending: string[] = [];
  // Loaded here, not at start-up: most commands never log to a file (pino-roll brings date-fns).
  const ready = import('pino-roll')
    .then(({ default: buildRoll }) =>
      buildRoll({
        file: config.path,
        size: `${Math.max(1, Math.round(config.rotation.max_size_mb * 1024))}k`,
        limit: { count: Math.max(0, config.rotation.max_files - 1) },
        mkdir: true,
      }),
    )
    .then(
      (r) => {
        roll = r;
        for (const line of pending.splice(0)) r.write(line);
        return r;
      },
      (err: unknown) => {
        fallback = true;
        process.stderr.write(
          `error: cannot open the log file ${config.path}: ${(err as Error).message}; logging to stderr\n`,
        );
        for (const line of pending.splice(0)) process.stderr.write(line);
        return undefined;
      },
    );
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      const text = chunk.toString();
      if (roll) roll.write(text);
      else if (fallback) process.stderr.write(text);
      else pending.push(text);
      done();
    },
  });
  open.set(config.path, { stream, ready });
  return stream;
}

/** Writes out every open log file (shutdown, tests). */
export async function flushLogFiles(): Promise<void> {
  for (const { ready } of open.values()) {
    const roll = await ready;
    if (!roll) continue;
    // sonic-boom opens its file asynchronously; flushing before that fails.
    if (roll.fd < 0) await new Promise((resolve) => roll.once('ready', resolve));
    await new Promise<void>((resolve) => roll.flush(() => resolve()));
  }
}

// Process output as JSON lines ({"t": ISO time, "stream": "stdout"|"stderr"|"supervisor", "line"})
// under <project>/.runcept/logs/<process>.log, rotated by size to .log.1 … .log.<keep>. Reading
// works without the supervisor (the files are the record), for running and finished processes.
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  openSync,
  readSync,
  closeSync,
} from 'node:fs';
import { join } from 'node:path';

export const LOG_MAX_BYTES = 5 * 1024 * 1024;
export const LOG_KEEP = 3;

export interface LogLine {
  t: string;
  stream: 'stdout' | 'stderr' | 'supervisor';
  line: string;
}

export function logFile(projectRoot: string, process: string): string {
  return join(projectRoot, '.runcept', 'logs', `${process}.log`);
}

/** Appends lines to one process's log; splits chunks into lines, keeping partial lines per stream. */
export class LogWriter {
  readonly file: string;
  #size: number;
  #partial = new Map<string, string>();
  readonly #maxBytes: number;

  constructor(file: string, maxBytes = LOG_MAX_BYTES) {
    this.file = file;
    this.#maxBytes = maxBytes;
    mkdirSync(join(file, '..'), { recursive: true });
    this.#size = existsSync(file) ? statSync(file).size : 0;
  }

  chunk(stream: 'stdout' | 'stderr', data: string): string[] {
    const text = (this.#partial.get(stream) ?? '') + data;
    const lines = text.split('\n');
    this.#partial.set(stream, lines.pop()!);
    for (const line of lines) this.line(stream, line);
    return lines;
  }

  /** Writes what is left of an unterminated last line (at exit). */
  flush(): void {
    for (const [stream, rest] of this.#partial) if (rest) this.line(stream as 'stdout', rest);
    this.#partial.clear();
  }

  line(stream: LogLine['stream'], line: string): void {
    const text = `${JSON.stringify({ t: new Date().toISOString(), stream, line: line.replace(/\r$/, '') })}\n`;
    if (this.#size + text.length > this.#maxBytes && this.#size > 0) this.#rotate();
    appendFileSync(this.file, text);
    this.#size += Buffer.byteLength(text);
  }

  #rotate(): void {
    rmSync(`${this.file}.${LOG_KEEP}`, { force: true });
    for (let i = LOG_KEEP - 1; i >= 1; i--) {
      if (existsSync(`${this.file}.${i}`)) renameSync(`${this.file}.${i}`, `${this.file}.${i + 1}`);
    }
    renameSync(this.file, `${this.file}.1`);
    this.#size = 0;
  }
}

function parseLines(text: string): LogLine[] {
  const out: LogLine[] = [];
  for (const raw of text.split('\n')) {
    if (!raw) continue;
    try {
      out.push(JSON.parse(raw) as LogLine);
    } catch {
      // A line cut by a crash mid-write: skip it.
    }
  }
  return out;
}

/** The last `n` lines (across rotated files), optionally only those at or after `sinceMs`. */
export function readLastLines(file: string, n: number, sinceMs?: number): LogLine[] {
  const lines: LogLine[] = [];
  for (let i = LOG_KEEP; i >= 0; i--) {
    const f = i === 0 ? file : `${file}.${i}`;
    if (existsSync(f)) lines.push(...parseLines(readFileSync(f, 'utf8')));
  }
  const recent = sinceMs === undefined ? lines : lines.filter((l) => Date.parse(l.t) >= sinceMs);
  return n > 0 ? recent.slice(-n) : recent;
}

/** Calls `onLine` for every line appended after now (following rotation) until the signal aborts. */
export function followLog(
  file: string,
  onLine: (l: LogLine) => void,
  signal: AbortSignal,
  pollMs = 100,
): Promise<void> {
  let offset = existsSync(file) ? statSync(file).size : 0;
  let partial = '';
  return new Promise((resolve) => {
    const tick = (): void => {
      if (!existsSync(file)) return;
      const size = statSync(file).size;
      if (size < offset) offset = 0; // rotated: the new file starts empty
      if (size === offset) return;
      const fd = openSync(file, 'r');
      const buf = Buffer.alloc(size - offset);
      readSync(fd, buf, 0, buf.length, offset);
      closeSync(fd);
      offset = size;
      const text = partial + buf.toString('utf8');
      const cut = text.lastIndexOf('\n');
      partial = text.slice(cut + 1);
      for (const l of parseLines(text.slice(0, cut + 1))) onLine(l);
    };
    const timer = setInterval(tick, pollMs);
    signal.addEventListener('abort', () => {
      clearInterval(timer);
      tick();
      resolve();
    });
  });
}

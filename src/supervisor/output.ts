// Where a supervised process writes its stdout and stderr: a named pipe (FIFO) per stream under
// <project>/.runcept/pipes/, not a pipe the supervisor owns. The process gets the FIFO opened
// read-write, so it always holds a reader itself: when the supervisor dies its writes never hit a
// broken pipe (they wait in the pipe's 64 KB buffer, and block once it is full), and the next
// supervisor, re-adopting the process, opens the same FIFO and goes on capturing its output from
// where the old one stopped. Where a FIFO cannot be made, an ordinary pipe is used (output is then
// lost, and the process sees a broken pipe, if the supervisor dies).
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import type { LogWriter } from './logs.ts';

export type Stream = 'stdout' | 'stderr';
export const STREAMS: readonly Stream[] = ['stdout', 'stderr'];

export function pipePath(projectRoot: string, process: string, stream: Stream): string {
  return join(projectRoot, '.runcept', 'pipes', `${process}.${stream}`);
}

/** The FIFO at `path`, made (once) when missing; null when the file system cannot hold one. */
function ensureFifo(path: string): string | null {
  try {
    if (statSync(path).isFIFO()) return path;
    rmSync(path, { force: true });
  } catch {
    // Not there yet.
  }
  try {
    mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
    execFileSync('mkfifo', ['-m', '600', path], { stdio: 'ignore' });
    return path;
  } catch {
    return null;
  }
}

/** Reads one FIFO without blocking the event loop (a pipe handle, as for a child's stdout). */
function openReader(path: string): Socket | null {
  try {
    const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    return new Socket({ fd, readable: true, writable: false });
  } catch {
    return null;
  }
}

export interface Capture {
  /** spawn's stdio entries for stdout and stderr (FIFO write ends, or 'pipe'). */
  stdio: (number | 'pipe')[];
  /** Call once spawned: closes our copies of the write ends (so the readers see EOF at exit). */
  spawned(): void;
  readers: Partial<Record<Stream, Socket>>;
}

/** Opens the readers first, then the write ends the new process inherits. */
export function captureForSpawn(projectRoot: string, process: string, fifos = true): Capture {
  const readers: Partial<Record<Stream, Socket>> = {};
  const writeFds: number[] = [];
  const stdio = STREAMS.map((stream) => {
    const fifo = fifos && ensureFifo(pipePath(projectRoot, process, stream));
    const reader = fifo && openReader(fifo);
    if (!fifo || !reader) return 'pipe' as const;
    readers[stream] = reader;
    const fd = openSync(fifo, constants.O_RDWR);
    writeFds.push(fd);
    return fd;
  });
  return {
    stdio,
    readers,
    spawned: () => {
      for (const fd of writeFds) closeSync(fd);
    },
  };
}

/** Readers for a re-adopted process's FIFOs (those that exist). */
export function captureForAdopted(projectRoot: string, process: string): Partial<Record<Stream, Socket>> {
  const readers: Partial<Record<Stream, Socket>> = {};
  for (const stream of STREAMS) {
    const path = pipePath(projectRoot, process, stream);
    try {
      if (!statSync(path).isFIFO()) continue;
    } catch {
      continue;
    }
    const reader = openReader(path);
    if (reader) readers[stream] = reader;
  }
  return readers;
}

/**
 * What is still waiting in a process's FIFO, read at once. At its exit the leader's FIFO may stay
 * open (a grandchild holds it until the group is killed), so its last lines are taken from the
 * pipe now rather than waiting for an end that may not come.
 */
export function drainFifo(projectRoot: string, process: string, stream: Stream): string {
  let fd: number;
  try {
    fd = openSync(pipePath(projectRoot, process, stream), constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return '';
  }
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(65536);
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
  } catch {
    // EAGAIN: the pipe is empty.
  } finally {
    closeSync(fd);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const LAST_LINES = 20;

/** One process's output readers: lines go to its log, the last few are kept for errors. */
export class OutputReaders {
  readonly lastLines: string[] = [];
  #readers = new Set<NodeJS.ReadableStream>();
  #fifo = false;
  readonly #root: string;
  readonly #name: string;
  readonly #log: LogWriter;

  constructor(projectRoot: string, process: string, log: LogWriter) {
    this.#root = projectRoot;
    this.#name = process;
    this.#log = log;
  }

  /** Reads a freshly spawned process: its FIFOs, or the child's own pipes where there are none. */
  attach(capture: Capture, child: Partial<Record<Stream, NodeJS.ReadableStream | null>>): void {
    for (const stream of STREAMS) {
      const fifo = capture.readers[stream];
      if (fifo) this.#fifo = true;
      const source = fifo ?? child[stream];
      if (source) this.#read(stream, source);
    }
  }

  /** Reads a re-adopted process's FIFOs; false when it has none (its output is not captured). */
  adopt(): boolean {
    const readers = captureForAdopted(this.#root, this.#name);
    for (const [stream, reader] of Object.entries(readers)) this.#read(stream as Stream, reader);
    this.#fifo = Object.keys(readers).length > 0;
    return Object.keys(readers).length === STREAMS.length;
  }

  #lines(stream: Stream, data: string): void {
    for (const line of this.#log.chunk(stream, data)) {
      this.lastLines.push(line);
      if (this.lastLines.length > LAST_LINES) this.lastLines.shift();
    }
  }

  #read(stream: Stream, source: NodeJS.ReadableStream): void {
    source.setEncoding('utf8');
    this.#readers.add(source);
    const done = (): void => void this.#readers.delete(source);
    source.on('data', (data: string) => this.#lines(stream, data));
    source.once('end', done);
    source.once('close', done);
    source.on('error', () => undefined);
  }

  /** Logs what is still in the FIFOs (a grandchild may hold them open: no end to wait for), then stops. */
  close(): void {
    for (const r of this.#readers) (r as Socket).destroy?.();
    this.#readers.clear();
    if (this.#fifo) {
      for (const stream of STREAMS) {
        const rest = drainFifo(this.#root, this.#name, stream);
        if (rest) this.#lines(stream, rest);
      }
    }
    this.#fifo = false;
    this.#log.flush();
  }
}

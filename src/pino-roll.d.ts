// pino-roll ships no type declarations; this is the part of its API src/log-file.ts uses.
declare module 'pino-roll' {
  import type { EventEmitter } from 'node:events';
  interface RollStream extends EventEmitter {
    write(chunk: string): boolean;
    flush(cb?: (err?: Error) => void): void;
    end(): void;
    file: string;
    /** -1 until the file is open ('ready'). */
    fd: number;
  }
  interface RollOptions {
    file: string;
    size?: string | number;
    limit?: { count?: number; removeOtherLogFiles?: boolean };
    mkdir?: boolean;
    extension?: string;
  }
  export default function build(options: RollOptions): Promise<RollStream>;
}

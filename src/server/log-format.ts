// logging.format: pretty — pino writes JSON lines; this stream turns each into one readable line
// (`12:00:01.123 INFO  GET /api/v1/jobs 200 3.1ms requestId=…`) for people at a terminal.
// logging.format: json leaves pino's lines untouched for log collectors.
import { Writable } from 'node:stream';

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

export function formatLine(line: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof rec.time === 'number' ? new Date(rec.time).toISOString().slice(11, 23) : '';
  const level = (LEVELS[rec.level as number] ?? String(rec.level)).padEnd(5);
  const parts = [time, level];
  if (rec.msg === 'request' && typeof rec.method === 'string') {
    parts.push(`${rec.method} ${String(rec.url)} ${String(rec.status)} ${String(rec.ms)}ms`);
    if (rec.actor) parts.push(`actor=${String(rec.actor)}`);
  } else if (rec.msg !== undefined) {
    parts.push(String(rec.msg));
  }
  if (rec.requestId !== undefined) parts.push(`requestId=${String(rec.requestId)}`);
  const err = rec.err as { message?: string; stack?: string } | undefined;
  if (err) parts.push(`\n${err.stack ?? err.message ?? ''}`);
  return parts.filter((p) => p !== '').join(' ');
}

export function prettyStream(out: NodeJS.WritableStream = process.stdout): Writable {
  let buffered = '';
  return new Writable({
    write(chunk: Buffer | string, _enc, done) {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.trim() !== '') out.write(`${formatLine(line)}\n`);
      }
      done();
    },
  });
}

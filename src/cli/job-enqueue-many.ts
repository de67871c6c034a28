// `ratchet job enqueue TASK --input-file items.jsonl`: one job per line of a JSON Lines file, all
// queued in one transaction through the bulk enqueue service (services/jobs/enqueue-many.ts). The
// other enqueue flags apply to every job. A line that is not JSON is a usage error naming the file,
// line and column; a job the task refuses is named by its line (`--partial` queues the others).
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { enqueueMany, InvalidBatchError, MAX_BATCH_JOBS, type BatchJobItem } from '../services/jobs/index.ts';
import { ValidationError } from '../services/errors.ts';
import { tryParseJson } from '../tasks/json-file.ts';
import { CliExit, UsageError } from './errors.ts';
import { handleServiceError } from './service-errors.ts';
import { withApp } from './with-app.ts';
import { MAX_INPUT_BYTES } from './task-input.ts';

/** True for the files read as one job per line. */
export function isJsonLinesFile(path: string): boolean {
  return /\.(jsonl|ndjson)$/i.test(path);
}

interface Line {
  /** 1-based line number in the file. */
  line: number;
  input: unknown;
}

export async function readJsonLines(file: string): Promise<Line[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`--input-file ${file}: ${code === 'ENOENT' ? 'no such file' : String(err)}`);
  }
  if (Buffer.byteLength(text) > MAX_INPUT_BYTES) {
    throw new UsageError(`--input-file ${file}: larger than ${MAX_INPUT_BYTES} bytes`);
  }
  const lines: Line[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    if (raw.trim() === '') continue;
    const parsed = tryParseJson(raw, file);
    if (!parsed.ok) {
      const column = parsed.problem.column !== undefined ? `:${parsed.problem.column}` : '';
      throw new UsageError(`${file}:${i + 1}${column}: ${parsed.problem.message}`);
    }
    lines.push({ line: i + 1, input: parsed.value });
  }
  if (lines.length === 0) throw new UsageError(`--input-file ${file}: no jobs (one JSON input per line)`);
  if (lines.length > MAX_BATCH_JOBS) {
    throw new UsageError(
      `--input-file ${file}: ${lines.length} jobs; one call takes at most ${MAX_BATCH_JOBS}`,
    );
  }
  return lines;
}

export async function enqueueJsonLines(
  cmd: Command,
  task: string,
  file: string,
  shared: Omit<BatchJobItem, 'input'> & { version?: string; partial?: boolean; json?: boolean },
): Promise<void> {
  const lines = await readJsonLines(file);
  const { version, partial, json, ...options } = shared;
  const jobs = lines.map((l) => ({ ...options, input: l.input }));
  // Violations name `$.jobs[i]`; the user knows lines.
  const lineOf = (path: string) =>
    path.replace(/^\$\.jobs\[(\d+)\]/, (_m, i: string) => `${file}:${lines[Number(i)]!.line}: $`);
  await withApp(cmd, (app) =>
    handleServiceError(async () => {
      let result;
      try {
        result = await enqueueMany(app, { task, version, jobs, partial });
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        const detail = err.violations.map((v) => `  ${lineOf(v.path)} ${v.message}`).join('\n');
        const what =
          err instanceof InvalidBatchError
            ? `${err.invalid} of ${err.total} jobs are invalid; none was queued (--partial queues the valid ones)`
            : err.message.split(':\n')[0]!;
        throw new UsageError(`${what}:\n${detail}`);
      }
      if (json) {
        const out = {
          created: result.created,
          jobs: result.jobs.map((j) => ({ line: lines[j.index]!.line, id: j.job.id, created: j.created })),
          rejected: result.rejected.map((r) => ({ line: lines[r.index]!.line, violations: r.violations })),
        };
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      } else {
        for (const j of result.jobs) process.stdout.write(`${j.job.id}\n`);
        for (const r of result.rejected) {
          for (const v of r.violations) process.stderr.write(`not queued: ${lineOf(v.path)} ${v.message}\n`);
        }
        const existing = result.jobs.length - result.created;
        process.stderr.write(
          `queued ${result.created} jobs from ${file}` +
            (existing > 0 ? `; ${existing} already existed (idempotency key)` : '') +
            (result.rejected.length > 0 ? `; ${result.rejected.length} lines refused` : '') +
            '\n',
        );
      }
      if (result.rejected.length > 0) throw new CliExit(1);
    }),
  );
}

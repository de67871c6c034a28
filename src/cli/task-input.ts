// The input of a run: --input-json TEXT or --input-file FILE (or {} when neither), with JSON
// errors reported as usage errors that name the flag or file and the line:column.
import { readFile } from 'node:fs/promises';
import { tryParseJson } from '../tasks/json-file.ts';
import { formatProblem } from '../tasks/types.ts';
import { UsageError } from './errors.ts';

export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

export async function readTaskInput(opts: { inputJson?: string; inputFile?: string }): Promise<unknown> {
  if (opts.inputJson !== undefined && opts.inputFile !== undefined) {
    throw new UsageError('give either --input-json or --input-file, not both');
  }
  if (opts.inputFile !== undefined) {
    let text: string;
    try {
      text = await readFile(opts.inputFile, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(err);
      throw new UsageError(`--input-file ${opts.inputFile}: ${why}`);
    }
    if (Buffer.byteLength(text) > MAX_INPUT_BYTES) {
      throw new UsageError(`--input-file ${opts.inputFile}: larger than ${MAX_INPUT_BYTES} bytes`);
    }
    return parseOrThrow(text, opts.inputFile);
  }
  if (opts.inputJson !== undefined) return parseOrThrow(opts.inputJson, '--input-json');
  return {};
}

function parseOrThrow(text: string, where: string): unknown {
  const parsed = tryParseJson(text, where);
  if (!parsed.ok) throw new UsageError(formatProblem(parsed.problem));
  return parsed.value;
}

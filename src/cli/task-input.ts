// The input of a run: --input-json TEXT or --input-file FILE (or {} when neither), with JSON
// errors reported as usage errors that name the flag or file and the line:column.
import { readFile } from 'node:fs/promises';
import { tryParseJson } from '../tasks/json-file.ts';
import { formatProblem } from '../tasks/types.ts';
import { UsageError } from './errors.ts';
import type { RatchetConfig } from '../config/schema.ts';
import { inputLimitProblem } from '../tasks/value-limits.ts';
import { valueLimits } from '../services/limits.ts';

export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/**
 * With `config`, the input is also held to execution.max_json_depth and execution.max_input_bytes
 * (a usage error naming the flag or file, the limit and its key), as every other door does.
 */
export async function readTaskInput(
  opts: { inputJson?: string; inputFile?: string },
  config?: RatchetConfig,
): Promise<unknown> {
  const input = await readInput(opts);
  if (config) {
    const where = opts.inputFile !== undefined ? `--input-file ${opts.inputFile}` : '--input-json';
    const problem = inputLimitProblem(input, valueLimits(config), where);
    if (problem) throw new UsageError(`${problem.path}: the input ${problem.message}`);
  }
  return input;
}

async function readInput(opts: { inputJson?: string; inputFile?: string }): Promise<unknown> {
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

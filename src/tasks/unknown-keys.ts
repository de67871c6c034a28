// Keys a task file does not know are kept (COMPAT.md §1: the original tolerated extra fields, and
// tasks carry their own), but a typo such as `expected_outptu` would otherwise pass in silence: each
// unknown key is a warning naming the closest known key. Keys starting with `$`, `_` or `x-` are
// comments and extensions by convention and are left alone.
import { closest } from '../config/errors.ts';
import { appendKey } from './json-path.ts';
import type { Problem } from './types.ts';

/** metadata.json keys: the ones read here and the ones the original's tasks carried (COMPAT.md §1). */
export const METADATA_KEYS = [
  'uuid',
  'name',
  'label',
  'version',
  'description',
  'author',
  'tags',
  'category',
  'license',
  'timeout',
  'memory_limit',
  'max_concurrency',
  'max_retries',
  'test_match',
  'created_at',
  'updated_at',
  'cloned_from',
] as const;

function isConventional(key: string): boolean {
  return key.startsWith('$') || key.startsWith('_') || key.startsWith('x-');
}

/** One warning per key of `value` (an object at `path` in `file`) that `known` does not list. */
export function unknownKeyWarnings(
  value: Record<string, unknown>,
  known: readonly string[],
  file: string,
  path = '$',
): Problem[] {
  const problems: Problem[] = [];
  for (const key of Object.keys(value)) {
    if (known.includes(key) || isConventional(key)) continue;
    const guess = closest(key, known);
    const hint = guess ? `did you mean "${guess}"?` : `known keys: ${known.join(', ')}`;
    problems.push({
      severity: 'warning',
      file,
      path: appendKey(path, key),
      message: `unknown key "${key}" is ignored (${hint})`,
    });
  }
  return problems;
}

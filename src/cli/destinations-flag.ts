// --destinations-json, shared by `schedule create` and `workflow start`: output destinations as a
// JSON array (their fields are checked by the service, which names each bad one by its path).
import { UsageError } from './errors.ts';

export function destinationsFlag(text: string | undefined): unknown[] | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--destinations-json: not valid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(value)) throw new UsageError('--destinations-json must be a JSON array of destinations');
  return value;
}

// Commands that take a task folder accept it as a positional argument or, as the original did,
// as `--from-fs DIR`.
import { UsageError } from './errors.ts';

export function taskPathFrom(
  positional: string | undefined,
  fromFs: string | undefined,
  command: string,
): string {
  if (positional !== undefined && fromFs !== undefined && positional !== fromFs) {
    throw new UsageError(`${command}: give the task folder once (positional or --from-fs), not both`);
  }
  const path = positional ?? fromFs;
  if (path === undefined)
    throw new UsageError(`${command}: missing the task folder (ratchet ${command} <dir>)`);
  return path;
}

export function parsePositiveInt(value: string, flag: string): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0) {
    throw new UsageError(`${flag} must be a positive whole number, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

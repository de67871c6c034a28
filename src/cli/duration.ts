// Durations on the command line: `500ms`, `30s`, `5m`, `2h`, `1d`, or a bare number of milliseconds.
import { UsageError } from './errors.ts';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string, flag: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m)
    throw new UsageError(
      `${flag} ${JSON.stringify(text)}: expected a duration such as 500ms, 30s, 5m, 2h or 1d`,
    );
  return Math.round(Number(m[1]) * UNITS[m[2] ?? 'ms']!);
}

export function parseNonNegativeInt(text: string, flag: string): number {
  if (!/^[0-9]+$/.test(text))
    throw new UsageError(`${flag} ${JSON.stringify(text)}: expected a whole number ≥ 0`);
  return Number(text);
}

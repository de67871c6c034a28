// Durations and counts on the command line. Durations use the one grammar (config/duration.ts):
// `500ms`, `30s`, `5m`, `2h`, `1d`, `2w`, or a bare number of milliseconds.
import { DurationError, parseDuration as parseDurationText } from '../config/duration.ts';
import { UsageError } from './errors.ts';

export function parseDuration(text: string, flag: string): number {
  try {
    return parseDurationText(text, { bareMilliseconds: true });
  } catch (err) {
    if (err instanceof DurationError) throw new UsageError(`${flag} ${err.message}`);
    throw err;
  }
}

export function parseNonNegativeInt(text: string, flag: string): number {
  if (!/^[0-9]+$/.test(text))
    throw new UsageError(`${flag} ${JSON.stringify(text)}: expected a whole number ≥ 0`);
  return Number(text);
}

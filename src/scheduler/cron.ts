// Cron arithmetic on top of croner: validation with errors that name the offending field, and the
// next/previous tick of an expression in a timezone. Schedules without a timezone run in UTC, so
// every node computes the same ticks whatever its local time zone is.
import { Cron } from 'croner';

export class CronError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronError';
  }
}

const FIELDS_5 = ['minute', 'hour', 'day of month', 'month', 'day of week'];
const FIELDS_6 = ['second', ...FIELDS_5];

export const DEFAULT_TIMEZONE = 'UTC';

function build(expression: string, timezone: string): Cron {
  return new Cron(expression, { paused: true, timezone, mode: '5-or-6-parts' });
}

/** Throws a CronError unless `timezone` is an IANA zone name this runtime knows. */
export function validateTimezone(timezone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new CronError(
      `unknown timezone "${timezone}": use an IANA name such as "UTC", "Europe/Oslo" or "America/New_York"`,
    );
  }
}

/** Finds which field croner rejects by parsing each one alone, with every other field a wildcard. */
function badField(parts: string[], names: string[]): string | undefined {
  for (let i = 0; i < parts.length; i++) {
    const probe = parts.map((p, j) => (j === i ? p : '*')).join(' ');
    try {
      build(probe, DEFAULT_TIMEZONE);
    } catch {
      return `${names[i]} field "${parts[i]}"`;
    }
  }
  return undefined;
}

/**
 * Checks a 5-field (`minute hour day month weekday`) or 6-field (`second minute …`) expression and
 * an optional timezone. Also refuses expressions that can never fire (such as 31 February).
 */
export function validateCron(expression: string, timezone?: string | null): { fields: 5 | 6 } {
  const parts = expression.trim().split(/\s+/).filter(Boolean);
  if (parts.length !== 5 && parts.length !== 6) {
    throw new CronError(
      `invalid cron expression "${expression}": expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got ${parts.length}`,
    );
  }
  if (timezone) validateTimezone(timezone);
  let cron: Cron;
  try {
    cron = build(parts.join(' '), timezone ?? DEFAULT_TIMEZONE);
  } catch (err) {
    const field = badField(parts, parts.length === 5 ? FIELDS_5 : FIELDS_6);
    const detail = (err as Error).message.replace(/^CronPattern:\s*/, '');
    throw new CronError(
      `invalid cron expression "${expression}": ${field ? `bad ${field} (${detail})` : detail}`,
    );
  }
  if (cron.nextRun(new Date(0)) === null) {
    throw new CronError(`cron expression "${expression}" never matches a date`);
  }
  return { fields: parts.length };
}

/** The first tick strictly after `after`, or null when the expression has no further ticks. */
export function nextCronRun(expression: string, after: Date, timezone?: string | null): Date | null {
  return build(expression, timezone ?? DEFAULT_TIMEZONE).nextRun(after);
}

/** The last tick at or before `at`, or null when there is none. */
export function lastCronRunAtOrBefore(expression: string, at: Date, timezone?: string | null): Date | null {
  // previousRuns is strictly before its reference; ticks are whole seconds, so look from the next
  // whole second and keep only a tick that is not after `at`.
  const ref = new Date(Math.floor(at.getTime() / 1000) * 1000 + 1000);
  const [prev] = build(expression, timezone ?? DEFAULT_TIMEZONE).previousRuns(1, ref);
  return prev && prev.getTime() <= at.getTime() ? prev : null;
}

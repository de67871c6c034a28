// A cron expression read aloud (cronstrue) and its next five run times (croner, the library the
// server's scheduler uses, so 5 and 6-field expressions mean the same here as there).
import type { ReactNode } from 'react';
import cronstrue from 'cronstrue';
import { Cron } from 'croner';

export interface CronReading {
  text: string;
  next: Date[];
}

/** The reading and next runs, or the reason the expression is not valid. */
export function readCron(expression: string, timezone?: string): CronReading | { error: string } {
  try {
    const cron = new Cron(expression, { paused: true, ...(timezone ? { timezone } : { timezone: 'UTC' }) });
    const text = cronstrue.toString(expression, { use24HourTimeFormat: true, verbose: false });
    return { text, next: cron.nextRuns(5) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

export function CronPreview({
  expression,
  timezone,
  id,
}: {
  expression: string;
  timezone?: string;
  id: string;
}): ReactNode {
  if (expression.trim() === '') return null;
  const r = readCron(expression.trim(), timezone);
  if ('error' in r)
    return (
      <p id={id} className="error-text" role="alert">
        Not a valid cron expression: {r.error}
      </p>
    );
  return (
    <div id={id} className="cron-preview" aria-live="polite">
      <p>
        <strong>{r.text}</strong> ({timezone || 'UTC'})
      </p>
      <p>Next runs:</p>
      <ol>
        {r.next.map((d) => (
          <li key={d.getTime()}>
            <time dateTime={d.toISOString()}>
              {d.toLocaleString(undefined, {
                dateStyle: 'medium',
                timeStyle: 'medium',
                // In the schedule's zone, as the reading above says.
                timeZone: timezone || 'UTC',
              })}
            </time>
          </li>
        ))}
      </ol>
    </div>
  );
}

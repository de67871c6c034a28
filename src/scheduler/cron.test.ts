import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CronError, lastCronRunAtOrBefore, nextCronRun, validateCron } from './cron.ts';

const at = (s: string): Date => new Date(s);

void test('validateCron accepts 5 and 6 fields and names the bad field', () => {
  assert.deepEqual(validateCron('*/5 * * * *'), { fields: 5 });
  assert.deepEqual(validateCron('30 */2 * * * *', 'Europe/Oslo'), { fields: 6 });
  assert.deepEqual(validateCron('0 9 * * MON-FRI'), { fields: 5 });
  const cases: [string, RegExp][] = [
    ['* * * *', /expected 5 fields .* got 4/],
    ['* * * * * * *', /got 7/],
    ['61 * * * *', /bad minute field "61"/],
    ['* 25 * * *', /bad hour field "25"/],
    ['* * 0 * *', /bad day of month field "0"/],
    ['* * * 13 *', /bad month field "13"/],
    ['* * * * funday', /bad day of week field "funday"/],
    ['99 * * * * *', /bad second field "99"/],
    ['0 0 31 2 *', /never matches/],
  ];
  for (const [expr, re] of cases) {
    assert.throws(
      () => validateCron(expr),
      (err: Error) => err instanceof CronError && re.test(err.message),
      expr,
    );
  }
  assert.throws(() => validateCron('* * * * *', 'Mars/Olympus'), /unknown timezone "Mars\/Olympus"/);
});

void test('nextCronRun is strictly after the date, in UTC by default and in a timezone when given', () => {
  assert.equal(
    nextCronRun('*/5 * * * *', at('2030-01-01T00:00:00Z'))?.toISOString(),
    '2030-01-01T00:05:00.000Z',
  );
  assert.equal(
    nextCronRun('*/5 * * * *', at('2030-01-01T00:04:59.500Z'))?.toISOString(),
    '2030-01-01T00:05:00.000Z',
  );
  assert.equal(
    nextCronRun('0 9 * * *', at('2030-01-01T00:00:00Z'))?.toISOString(),
    '2030-01-01T09:00:00.000Z',
  );
  // 09:00 in New York in January is 14:00 UTC (EST, UTC-5); in July it is 13:00 UTC (EDT).
  assert.equal(
    nextCronRun('0 9 * * *', at('2030-01-01T00:00:00Z'), 'America/New_York')?.toISOString(),
    '2030-01-01T14:00:00.000Z',
  );
  assert.equal(
    nextCronRun('0 9 * * *', at('2030-07-01T00:00:00Z'), 'America/New_York')?.toISOString(),
    '2030-07-01T13:00:00.000Z',
  );
  assert.equal(
    nextCronRun('15 * * * * *', at('2030-01-01T00:00:00Z'))?.toISOString(),
    '2030-01-01T00:00:15.000Z',
  );
});

void test('lastCronRunAtOrBefore includes a tick exactly at the date', () => {
  assert.equal(
    lastCronRunAtOrBefore('*/5 * * * *', at('2030-01-01T00:05:00Z'))?.toISOString(),
    '2030-01-01T00:05:00.000Z',
  );
  assert.equal(
    lastCronRunAtOrBefore('*/5 * * * *', at('2030-01-01T00:09:59.999Z'))?.toISOString(),
    '2030-01-01T00:05:00.000Z',
  );
  assert.equal(
    lastCronRunAtOrBefore('0 9 * * *', at('2030-01-02T13:59:00Z'), 'America/New_York')?.toISOString(),
    '2030-01-01T14:00:00.000Z',
  );
});

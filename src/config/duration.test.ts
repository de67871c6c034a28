// The one duration grammar: units, decimals, bare milliseconds only when asked, errors naming the text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DurationError, parseDuration } from './duration.ts';

void test('units from milliseconds to weeks, decimals and a space before the unit', () => {
  assert.deepEqual(
    ['500ms', '30s', '1.5m', '2h', '1d', '2w', ' 45 s '].map((t) => parseDuration(t)),
    [500, 30_000, 90_000, 7_200_000, 86_400_000, 1_209_600_000, 45_000],
  );
});

void test('a bare number is milliseconds only where the caller allows it; zero only when not positive', () => {
  assert.equal(parseDuration('250', { bareMilliseconds: true }), 250);
  assert.throws(() => parseDuration('250'), /"250" is not a duration such as 500ms, 30s/);
  assert.equal(parseDuration('0s'), 0);
  assert.throws(() => parseDuration('0s', { positive: true }), DurationError);
});

void test('anything else names the text and the grammar', () => {
  for (const bad of ['soon', '5 minutes', '-1s', '1e3ms', '']) {
    assert.throws(
      () => parseDuration(bad, { bareMilliseconds: true }),
      (e: Error) =>
        e instanceof DurationError && e.message.startsWith(`${JSON.stringify(bad)} is not a duration`),
    );
  }
});

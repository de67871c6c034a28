// Which failed attempts the queue retries: not bad input or data, not an HttpError with a 4xx
// status (the same request gets the same answer), except 408 and 429 which mean "later".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRetryableError } from './clock.ts';

test('isRetryableError: 4xx HttpErrors are final, except 408 and 429; 5xx and other errors are retried', () => {
  const verdicts = Object.fromEntries(
    [
      ['HttpError 404', { type: 'HttpError', status: 404 }],
      ['HttpError 400', { type: 'HttpError', status: 400 }],
      ['HttpError 401', { type: 'HttpError', status: 401 }],
      ['HttpError 408', { type: 'HttpError', status: 408 }],
      ['HttpError 429', { type: 'HttpError', status: 429 }],
      ['HttpError 503', { type: 'HttpError', status: 503 }],
      ['HttpError without status', { type: 'HttpError' }],
      ['HttpError "404" as text', { type: 'HttpError', status: '404' }],
      ['ValidationError', { type: 'ValidationError' }],
      ['DataError', { type: 'DataError' }],
      ['TypeError', { type: 'TypeError' }],
      ['no error recorded', null],
    ].map(([label, error]) => [label, isRetryableError(error as { type?: string; status?: unknown } | null)]),
  );
  assert.deepEqual(verdicts, {
    'HttpError 404': false,
    'HttpError 400': false,
    'HttpError 401': false,
    'HttpError 408': true,
    'HttpError 429': true,
    'HttpError 503': true,
    'HttpError without status': true,
    'HttpError "404" as text': true,
    ValidationError: false,
    DataError: false,
    TypeError: true,
    'no error recorded': true,
  });
});

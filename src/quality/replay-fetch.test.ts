import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReplayFetch } from './replay-fetch.ts';
import type { HttpExchange } from '../http/types.ts';

function recorded(method: string, url: string, status = 200, body = '{}'): HttpExchange {
  return {
    request: { method, url, headers: {} },
    response: {
      status,
      statusText: status === 200 ? 'OK' : 'Not Found',
      headers: { 'content-type': 'application/json' },
      body,
      bodyEncoding: 'utf8',
      mimeType: 'application/json',
      url,
    },
    startedAt: '2024-01-01T00:00:00.000Z',
    durationMs: 12.5,
  };
}

const get = (url: string) => ({ method: 'get', url, headers: { 'X-A': '1' } });

test('answers requests in order from the recording', () => {
  const replay = createReplayFetch([
    recorded('GET', 'https://x.test/a', 200, '{"n":1}'),
    recorded('GET', 'https://x.test/a', 404, '{"n":2}'),
  ]);
  const first = replay.fetch(get('https://x.test/a'), 1000);
  const second = replay.fetch(get('HTTPS://X.test/a'), 1000);
  assert.equal(first.response?.body, '{"n":1}');
  assert.equal(second.response?.status, 404);
  assert.equal(second.response?.body, '{"n":2}');
  assert.deepEqual(second.request.headers, { 'X-A': '1' }, 'the request is the one this run made');
  assert.equal(first.durationMs, 12.5);
  assert.deepEqual(replay.mismatches, []);
  assert.deepEqual(replay.unused(), []);
});

test('a different request fails with a message naming both, and stays recorded as a mismatch', () => {
  const replay = createReplayFetch([
    recorded('GET', 'https://x.test/a'),
    recorded('GET', 'https://x.test/c'),
  ]);
  replay.fetch(get('https://x.test/a'), 1000);
  const wrong = replay.fetch(get('https://x.test/b'), 1000);
  assert.equal(wrong.response, undefined);
  assert.equal(wrong.error?.type, 'NetworkError');
  const message =
    'request 2: the task asked for GET https://x.test/b but the recording has GET https://x.test/c next';
  assert.equal(wrong.error?.message, `replay: ${message}`);
  assert.equal(replay.mismatches.length, 1);
  assert.equal(replay.mismatches[0]?.message, message);
  assert.deepEqual(replay.mismatches[0]?.expected, { method: 'GET', url: 'https://x.test/c' });
  assert.equal(replay.unused().length, 1, 'the mismatched entry is still unused');
});

test('the method matters, and running past the end says the recording has no more', () => {
  const replay = createReplayFetch([recorded('POST', 'https://x.test/a')]);
  const wrongMethod = replay.fetch(get('https://x.test/a'), 1000);
  assert.match(
    wrongMethod.error?.message ?? '',
    /asked for GET https:\/\/x\.test\/a but the recording has POST/,
  );
  replay.fetch({ method: 'POST', url: 'https://x.test/a', headers: {} }, 1000);
  const past = replay.fetch(get('https://x.test/z'), 1000);
  assert.equal(
    replay.mismatches[1]?.message,
    'request 3: the task asked for GET https://x.test/z but the recording has no more requests',
  );
  assert.equal(past.error?.type, 'NetworkError');
});

test('a recorded transport failure replays as the same failure', () => {
  const failed: HttpExchange = {
    request: { method: 'GET', url: 'https://x.test/t', headers: {} },
    error: { type: 'TimeoutError', message: 'request to https://x.test/t timed out after 5 ms' },
    startedAt: '2024-01-01T00:00:00.000Z',
    durationMs: 5,
  };
  const replay = createReplayFetch([failed]);
  const x = replay.fetch(get('https://x.test/t'), 1000);
  assert.deepEqual(x.error, failed.error);
  assert.equal(x.response, undefined);
  assert.deepEqual(replay.mismatches, []);
});

// The dashboard's server-sent-events parser (web/src/sse-parse.ts): events split across chunks,
// comments (heartbeats), multi-line data, CRLF line ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSse } from '../web/src/sse-parse.ts';

void test('complete events are returned, a partial one is kept for the next chunk', () => {
  const first = parseSse(
    ': stream of execution events\n\nid: 1\nevent: status\ndata: {"status":"RUNNING"}\n\nid: 2\nevent: prog',
  );
  assert.deepEqual(first.events, [{ event: 'status', data: '{"status":"RUNNING"}' }]);
  const second = parseSse(`${first.rest}ress\ndata: {"fraction":0.5}\n\n: heartbeat\n\n`);
  assert.deepEqual(second.events, [{ event: 'progress', data: '{"fraction":0.5}' }]);
  assert.equal(second.rest, '');
});

void test('multi-line data joins with newlines; CRLF works; a block without data is no event', () => {
  const { events } = parseSse('data: a\r\ndata: b\r\n\r\nevent: x\n\ndata\n\n');
  assert.deepEqual(events, [
    { event: 'message', data: 'a\nb' },
    { event: 'message', data: '' },
  ]);
});

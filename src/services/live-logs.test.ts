// Live log lines between nodes travel as NOTIFY payloads (live-logs.ts): the lines of many
// executions share payloads, each payload stays under PostgreSQL's limit, and a decoded payload
// gives back every execution's lines in order. The NOTIFY round trip itself is covered by the
// GraphQL subscriptions test (a job run on another node).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeLogs, encodeLogs } from './live-logs.ts';
import type { JobLogEvent } from '../queue/events.ts';

const LIMIT = 7900;
const event = (executionId: number, lines: string[], dropped = 0): JobLogEvent => ({
  jobId: executionId,
  executionId,
  entries: lines.map((message) => ({ level: 'log', message, timestamp: '2026-12-06T00:00:00.000Z' })),
  dropped,
});

test('the lines of many executions share payloads, each under the limit, decoded in order', () => {
  const events = Array.from({ length: 300 }, (_, i) => event(i + 1, [`job ${i + 1}`, `done ${i + 1}`]));
  const payloads = encodeLogs('node-a', events);
  assert.ok(payloads.length > 1 && payloads.length < 30, `${payloads.length} payloads for 300 executions`);
  for (const p of payloads)
    assert.ok(Buffer.byteLength(p) <= LIMIT, `a payload of ${Buffer.byteLength(p)} bytes`);
  const decoded = payloads.flatMap((p) => decodeLogs(p)!.batches);
  assert.deepEqual(
    decoded.map((b) => [b.e, b.l.map((l) => l.message), b.d]),
    events.map((e) => [e.executionId, e.entries.map((l) => l.message), 0]),
  );
  assert.equal(decodeLogs(payloads[0]!)!.origin, 'node-a');
});

test("one execution's lines that cannot fit send what fits and count the rest as dropped", () => {
  const long = Array.from({ length: 40 }, (_, i) => `${i} ${'x'.repeat(1500)}`);
  const payloads = encodeLogs('node-a', [event(1, ['before']), event(2, long, 3), event(3, ['after'])]);
  for (const p of payloads) assert.ok(Buffer.byteLength(p) <= LIMIT);
  const batches = payloads.flatMap((p) => decodeLogs(p)!.batches);
  assert.deepEqual(
    batches.map((b) => b.e),
    [1, 2, 3],
  );
  const cut = batches[1]!;
  assert.ok(cut.l.length > 0 && cut.l.length < 40);
  assert.equal(cut.d, 3 + 40 - cut.l.length, 'the lines left out are counted with those dropped before');
});

test('a payload that is not a batch of lines is ignored', () => {
  assert.equal(decodeLogs('not json'), undefined);
  assert.equal(decodeLogs(JSON.stringify({ o: 'node-a', e: 1, l: [], d: 0 })), undefined);
  assert.deepEqual(
    decodeLogs(JSON.stringify({ o: 'node-a', b: [{ e: 'x' }, { e: 2, l: [], d: 0 }] }))!.batches,
    [{ e: 2, l: [], d: 0 }],
  );
});

// The log forwarder bounds what crosses from an executor thread: the first line goes once the run
// is liveAfterMs old, a burst within one interval waits for the next batch, a batch holds at most
// maxLines lines (the rest counted as dropped), and take hands over whatever is pending when the
// run ends (it travels with the result).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogForwarder } from './log-forwarder.ts';
import type { LogEntry } from '../runtime/types.ts';

const INTERVAL_MS = 1000;
const line = (i: number): LogEntry => ({ level: 'log', message: `line ${i}`, timestamp: '' });

void test('log lines are batched at a bounded rate, a burst beyond the batch counted as dropped', async () => {
  const sent: { lines: string[]; dropped: number }[] = [];
  const f = new LogForwarder(
    (entries, dropped) => sent.push({ lines: entries.map((e) => e.message), dropped }),
    // An interval long enough that a loaded machine cannot pass it between two statements (30 ms
    // did once, in CI), so "nothing more within the interval" depends on the forwarder alone.
    INTERVAL_MS,
    5,
    0,
  );
  f.report(line(0));
  assert.deepEqual(sent, [{ lines: ['line 0'], dropped: 0 }]);
  for (let i = 1; i <= 12; i++) f.report(line(i));
  f.poll();
  assert.equal(sent.length, 1, 'nothing more within the interval');
  await new Promise((r) => setTimeout(r, INTERVAL_MS + 5));
  f.poll();
  assert.deepEqual(sent[1], { lines: ['line 1', 'line 2', 'line 3', 'line 4', 'line 5'], dropped: 7 });
  f.report(line(13));
  assert.deepEqual(f.take(), { entries: [line(13)], dropped: 0 });
  assert.equal(f.take(), undefined, 'nothing is pending after a take');
  assert.equal(sent.length, 2, 'a take sends nothing');
});

void test('a run shorter than liveAfterMs sends no batch: its lines are taken with its result', async () => {
  const sent: string[][] = [];
  const f = new LogForwarder((entries) => sent.push(entries.map((e) => e.message)), 100, 50, INTERVAL_MS);
  f.report(line(0));
  f.report(line(1));
  f.poll();
  assert.equal(sent.length, 0, 'nothing goes before the run is liveAfterMs old');
  assert.deepEqual(f.take(), { entries: [line(0), line(1)], dropped: 0 });

  const later = new LogForwarder((entries) => sent.push(entries.map((e) => e.message)), 100, 50, 20);
  later.report(line(2));
  assert.equal(sent.length, 0);
  await new Promise((r) => setTimeout(r, 25));
  later.poll();
  assert.deepEqual(sent, [['line 2']], 'then lines go live');
});

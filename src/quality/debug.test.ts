// Breakpoint snapshots on a task with known values: a breakpoint in a loop records each
// iteration, a function breakpoint stops at its first statement with the call stack, a line
// without code moves to the next statement and says so, watch expressions replace the scope,
// the run's result and error lines are those of a plain run, and hits are bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTask } from '../tasks/load.ts';
import { BreakpointError } from './breakpoints.ts';
import { debugTask } from './debug.ts';

const FIXTURES = new URL('../../test/fixtures/quality/', import.meta.url).pathname;

test('a breakpoint in a loop records every iteration with the values in scope', async () => {
  const pkg = await loadTask(`${FIXTURES}throws-deep`);
  const run = await debugTask(pkg, { input: { items: [1, 2, 'x'] }, breakpoints: ['line:7'], watch: [] });
  assert.deepEqual(
    run.hits.map((h) => [h.line, h.values.total, h.values.item, h.values.items]),
    [
      [7, '0', '1', '[1,2,"x"]'],
      [7, '1', '2', '[1,2,"x"]'],
    ],
  );
  assert.deepEqual(run.hits[0]!.stack, ['at check (main.js:7)', 'at main (main.js:13)']);
  // The run fails exactly as without breakpoints: DataError on line 5.
  assert.deepEqual([run.status, run.error?.type, run.error?.location?.line], ['FAILED', 'DataError', 5]);
});

test('function and moved line breakpoints, watch expressions, bounded hits, bad specs', async () => {
  const pkg = await loadTask(`${FIXTURES}throws-deep`);
  const run = await debugTask(pkg, {
    input: { items: [1, 2, 3] },
    breakpoints: ['function:check', 'line:11'],
    watch: ['items.length * 10'],
  });
  assert.deepEqual(run.breakpoints, [
    { spec: 'function:check', line: 2 },
    { spec: 'line:11', line: 13, note: 'line 11 has no statement; moved to line 13' },
  ]);
  assert.deepEqual(
    run.hits.map((h) => [h.breakpoint, h.line, h.values]),
    [
      ['line:11', 13, { 'items.length * 10': "<ReferenceError: 'items' is not defined>" }],
      ['function:check', 2, { 'items.length * 10': '30' }],
    ],
  );
  assert.deepEqual(run.output, { total: 6, mean: 2 });
  const bounded = await debugTask(pkg, {
    input: { items: [1, 2, 3, 4] },
    breakpoints: ['line:7'],
    watch: [],
    maxHits: 2,
  });
  assert.deepEqual([bounded.hits.length, bounded.droppedHits], [2, 2]);
  await assert.rejects(
    debugTask(pkg, { input: {}, breakpoints: ['line:99'], watch: [] }),
    (e: Error) => e instanceof BreakpointError && /no statement on or after line 99/.test(e.message),
  );
  await assert.rejects(
    debugTask(pkg, { input: {}, breakpoints: ['function:nope'], watch: [] }),
    /no function named nope/,
  );
  await assert.rejects(
    debugTask(pkg, { input: {}, breakpoints: ['col:3'], watch: [] }),
    /expected line:N or function:NAME/,
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCase, formatSummary, ProgressBar, type Style } from './test-output.ts';

const plain: Style = { green: (s) => s, red: (s) => s, dim: (s) => s };

test('a passing case is one line; a failing one lists message, diff, unused mocks and logs', () => {
  assert.deepEqual(
    formatCase(
      { name: 'ok', file: 'a.json', status: 'passed', durationMs: 3.4, logs: [], unusedMocks: [] },
      '',
      plain,
    ),
    ['  ✓ ok (a.json, 3 ms)'],
  );
  const lines = formatCase(
    {
      name: 'bad',
      file: 'b.json',
      status: 'failed',
      durationMs: 1500,
      message: 'output differs from the expected output',
      diff: ['- $.a: 1', '+ $.a: 2'],
      logs: [{ level: 'warn', message: 'careful', timestamp: '' }],
      unusedMocks: ['GET https://x/ ($.mock_http.requests[0])'],
    },
    '',
    plain,
  );
  assert.deepEqual(lines, [
    '  ✗ bad (b.json, 1.50 s)',
    '      output differs from the expected output',
    '      expected (-) vs actual (+):',
    '      - $.a: 1',
    '      + $.a: 2',
    '      unused mocks: GET https://x/ ($.mock_http.requests[0])',
    '      logs:',
    '        [warn] careful',
  ]);
});

test('the summary counts everything that happened', () => {
  const report = {
    tasks: [],
    totals: { cases: 5, passed: 2, failed: 1, errors: 1, notRun: 1 },
    durationMs: 12,
  };
  assert.equal(
    formatSummary(report, 1),
    'Tests: 2 passed, 1 failed, 1 invalid, 1 not run (--bail), 1 task failed to load (5 cases in 1 task, 12 ms)',
  );
});

test('the progress bar redraws one line in place and clears itself', () => {
  let written = '';
  const stream = {
    columns: 60,
    write: (s: string) => ((written += s), true),
  } as unknown as NodeJS.WriteStream;
  const bar = new ProgressBar(stream);
  bar.clear();
  assert.equal(written, '', 'nothing to clear before the first draw');
  bar.update(15, 30);
  assert.equal(written, `\r\x1b[K[${'#'.repeat(15)}${'-'.repeat(15)}] 15/30 cases`);
  bar.clear();
  assert.ok(written.endsWith('\r\x1b[K'));
});

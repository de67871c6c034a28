// `ratchet benchmark` through the built CLI: a fixed number of runs at concurrency 2 with the JSON
// report (percentiles, throughput, heap and process memory), the text report, a failing input
// (exit 1 with the first error), and bad flags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SAMPLES, runCli } from './helpers/cli.ts';

const ADDITION = join(SAMPLES, 'addition');

test('ratchet benchmark reports percentiles, throughput and memory; a failing input exits 1', async () => {
  const json = await runCli([
    'benchmark',
    ADDITION,
    '--input-json',
    '{"num1": 1, "num2": 2}',
    '--runs',
    '200',
    '--concurrency',
    '2',
    '--json',
  ]);
  assert.equal(json.code, 0, json.stderr);
  const r = JSON.parse(json.stdout) as {
    task: { name: string };
    runs: number;
    completed: number;
    failed: number;
    concurrency: number;
    runsPerSecond: number;
    executionMs: { count: number; p50Ms: number; p99Ms: number };
    peakHeapBytes: { p50: number; max: number };
    rssBytes: { start: number; peak: number };
  };
  assert.deepEqual([r.task.name, r.runs, r.completed, r.failed, r.concurrency], ['addition', 200, 200, 0, 2]);
  assert.equal(r.executionMs.count, 200);
  assert.ok(r.executionMs.p50Ms > 0 && r.executionMs.p50Ms <= r.executionMs.p99Ms);
  assert.ok(r.runsPerSecond > 0);
  // The pristine context alone holds over 10 KiB of guest heap; a run adds to it.
  assert.ok(r.peakHeapBytes.p50 > 10 * 1024 && r.peakHeapBytes.max >= r.peakHeapBytes.p50, JSON.stringify(r));
  assert.ok(r.rssBytes.peak >= r.rssBytes.start);

  const text = await runCli([
    'benchmark',
    ADDITION,
    '--input-json',
    '{"num1": 1, "num2": 2}',
    '--duration',
    '1s',
  ]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^addition@1\.0\.0: \d+ runs at concurrency 1, [\d.]+ runs\/s$/m);
  assert.match(text.stdout, /^ {2}run time {4}p50 [\d.]+ ms {2}p99 [\d.]+ ms {2}max [\d.]+ ms$/m);
  assert.match(text.stdout, /^ {2}guest heap peak per run {2}p50 [\d.]+ KiB/m);

  const failing = await runCli(['benchmark', ADDITION, '--input-json', '{"num1": "x"}', '--runs', '5']);
  assert.equal(failing.code, 1);
  assert.match(failing.stdout, /completed 0, failed 5/);
  assert.match(failing.stdout, /first error: ValidationError: input does not match input\.schema\.json/);

  const bad = await runCli(['benchmark', ADDITION, '--concurrency', '0']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--concurrency/);
  const badDuration = await runCli(['benchmark', ADDITION, '--duration', 'soon']);
  assert.equal(badDuration.code, 2);
  assert.match(badDuration.stderr, /--duration/);
});

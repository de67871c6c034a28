// The profile core in-process: a plain run times nothing; a profiled run has its phases in order,
// counts timer waits apart from guest code, sees the heap a task allocated, and shows a delayed
// fetch; a simulated delay past the request's budget ends as a TimeoutError, as a real one would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTaskFromFiles } from '../tasks/load.ts';
import { runTask } from '../runtime/run-task.ts';
import type { SyncFetch } from '../http/types.ts';
import { createMockFetch } from '../testing/mocks.ts';
import { withNetworkDelay } from './network-delay.ts';
import { profileTask } from './profile.ts';

const task = (code: string) =>
  loadTaskFromFiles(
    { 'metadata.json': JSON.stringify({ name: 'p', version: '1.0.0' }), 'main.js': code },
    { kind: 'store', path: 'p@1.0.0' },
  );
const refused: SyncFetch = (request) => ({
  request,
  error: { type: 'NetworkError', message: 'off' },
  startedAt: new Date().toISOString(),
  durationMs: 0,
});

test('a plain run records no timings; a profiled one has every phase in order', async () => {
  const pkg = task('(function (input) { return { n: input.n + 1 }; })');
  const plain = await runTask(pkg, { input: { n: 1 }, fetch: refused });
  assert.equal(plain.timings, undefined);
  const { result, profile, trace } = await profileTask(pkg, { input: { n: 1 }, fetch: refused });
  assert.deepEqual(result.output, { n: 2 });
  const phases = profile.phases.map((p) => p.phase).filter((p) => p !== 'prepare');
  assert.deepEqual(phases, ['instance', 'restore', 'load', 'input', 'run', 'output', 'output-validation']);
  for (let i = 1; i < profile.phases.length; i++) {
    const before = profile.phases[i - 1]!;
    assert.ok(
      profile.phases[i]!.startMs >= before.startMs + before.durationMs - 0.001,
      'phases do not overlap',
    );
  }
  assert.deepEqual(profile.fetches, []);
  assert.deepEqual(
    trace.map((e) => e.kind),
    ['start', ...profile.phases.map(() => 'phase'), 'end'],
  );
});

test('timer waits are not guest code, and the heap a task allocates is seen', async () => {
  const waits = await profileTask(
    task('(function () { return new Promise(function (r) { setTimeout(function () { r(1); }, 300); }); })'),
    { input: {}, fetch: refused },
  );
  const s = waits.profile.summary;
  const phase = (name: string) => waits.profile.phases.find((p) => p.phase === name)!.durationMs;
  // The timer cannot fire early, so the run phase lasts 300 ms; the host slept for part of it.
  assert.ok(phase('run') >= 300);
  assert.ok(s.timerWaitMs > 0);
  const guestPhases = phase('input') + phase('run') + phase('output');
  assert.ok(Math.abs(s.guestMs + s.timerWaitMs - guestPhases) < 0.01, 'guest = its phases minus the wait');

  const big = await profileTask(
    task(
      '(function () { var a = []; for (var i = 0; i < 100000; i++) a.push({ i: i, s: "x" + i }); return a.length; })',
    ),
    { input: {}, fetch: refused },
  );
  const m = big.profile.memory!;
  assert.ok(m.peakTaskBytes > 1024 * 1024, `peak task heap ${m.peakTaskBytes} bytes`);
  assert.equal(m.peakHeapBytes, m.heapStartBytes + m.peakTaskBytes);
  assert.ok(m.heapEndBytes < m.peakHeapBytes, 'the array is freed by the end');
});

test('a delayed mock shows in the fetch; a delay past the request budget is a TimeoutError', async () => {
  const mocks = createMockFetch([
    {
      method: 'GET',
      url: 'https://a.test/x',
      response: { status: 204, headers: {} },
      times: 'always',
      source: 't',
    },
  ]);
  const { profile } = await profileTask(task("(function () { return fetch('https://a.test/x').status; })"), {
    input: {},
    fetch: withNetworkDelay(mocks.fetch, 80),
  });
  assert.equal(profile.fetches[0]!.status, 204);
  assert.ok(profile.fetches[0]!.durationMs >= 80);

  const slow = withNetworkDelay(mocks.fetch, 5000);
  const answer = slow({ method: 'GET', url: 'https://a.test/x', headers: {} }, 50);
  assert.equal(answer.error?.type, 'TimeoutError');
  assert.equal(answer.error.message, 'request to https://a.test/x timed out after 50 ms');
  assert.ok(answer.durationMs >= 50);
});
